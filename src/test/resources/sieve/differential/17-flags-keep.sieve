require "imap4flags";
addflag "\\Flagged";
removeflag "\\Flagged";
addflag "\\Answered";
keep;
