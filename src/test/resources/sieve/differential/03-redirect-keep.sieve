redirect "bob@example.org";
keep;
