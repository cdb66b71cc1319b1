require ["copy", "fileinto"];
fileinto :copy "Backup";
redirect :copy "archive@example.org";
