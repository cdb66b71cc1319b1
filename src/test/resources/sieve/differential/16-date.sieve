require ["date", "fileinto", "relational"];
if date :value "ge" "date" "year" "2020" { fileinto "Recent"; }
