require ["regex", "fileinto", "variables"];
if header :regex "subject" "^([A-Z][a-z]+) (report)$" { fileinto "${1}"; }
