require ["fileinto", "imap4flags"];
fileinto "A";
fileinto :flags "\\Seen" "A";
fileinto "B";
