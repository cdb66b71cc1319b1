require ["relational", "comparator-i;ascii-numeric", "fileinto"];
if header :value "gt" :comparator "i;ascii-numeric" "x-priority" "2" { fileinto "Low"; }
if header :count "ge" :comparator "i;ascii-numeric" "received" "1" { fileinto "Relayed"; }
