require "vacation";
if not exists "list-id" { vacation :subject "Away" "Gone fishing."; } else { discard; }
