require ["body", "fileinto"];
if body :text :contains "regards" { fileinto "Polite"; } else { fileinto "Rude"; }
