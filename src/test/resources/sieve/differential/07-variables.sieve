require ["fileinto", "variables"];
if header :matches "subject" "* report" { set :lower "kind" "${1}"; fileinto "Reports/${kind}"; }
