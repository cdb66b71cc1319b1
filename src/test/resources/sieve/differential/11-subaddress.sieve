require ["envelope", "subaddress", "fileinto"];
if envelope :detail "to" "lists" { fileinto "Lists"; } elsif envelope :user "to" "user" { fileinto "Mine"; }
