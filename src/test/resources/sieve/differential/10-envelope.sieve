require ["envelope", "fileinto"];
if envelope :localpart :is "from" "alice" { fileinto "FromAlice"; }
