require "reject";
if size :over 10 { reject "Too big for me."; }
