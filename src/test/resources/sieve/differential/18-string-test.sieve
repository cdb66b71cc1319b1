require ["variables", "fileinto"];
set "folder" "INBOX.Sub";
if string :is "${folder}" "INBOX.Sub" { fileinto "${folder}"; }
