if address :is :domain "from" "example.com" { discard; stop; }
keep;
