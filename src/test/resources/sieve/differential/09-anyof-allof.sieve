require "fileinto";
if anyof (header :is "x-spam" "yes", allof (exists "date", not exists "x-mailer")) { fileinto "Checked"; }
