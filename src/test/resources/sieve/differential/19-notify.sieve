require "enotify";
notify :importance "1" :message "You have mail" "mailto:user@example.net";
