require ["fileinto", "imap4flags"];
setflag "\\Seen";
addflag "$Important";
fileinto "Archive";
