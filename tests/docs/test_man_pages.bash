# The man pages against `dlqcat --help` (git's t0450 idea): one page per subcommand and no page
# for a subcommand that is gone; every option the help lists is in its page's OPTIONS; every long
# option a page names exists (on a line that names `dlqcat SUB`, in SUB; elsewhere in the page's
# own subcommand). Global options count everywhere, since they may follow the subcommand.
source "$(dirname "${BASH_SOURCE[0]}")/common.bash"
man_dir=$SOURCE_DIR/man

# A page as plain text: roff minus signs as '-'.
plain() { sed 's/\\-/-/g' "$1"; }

# The generated OPTIONS lines of a page.
generated() {
  plain "$1" | awk '/^\.\\" BEGIN GENERATED OPTIONS$/ { on = 1; next } /^\.\\" END GENERATED OPTIONS$/ { on = 0 } on'
}

mapfile -t subs < <(help_subcommands)
((${#subs[@]} >= 8)) || fail "dlqcat --help lists only ${#subs[@]} subcommands"
mapfile -t global_names < <(help_option_names)

declare -A known # "SUB name" -> 1; SUB empty for global options
for name in "${global_names[@]}"; do known[" $name"]=1; done
for sub in "${subs[@]}"; do
  while read -r name; do known["$sub $name"]=1; done < <(help_option_names "$sub")
done

check_page() {
  local page=$1 sub=$2 label=${2:-dlqcat}
  [ -f "$page" ] || { fail "$label has no man page ${page#"$SOURCE_DIR"/}"; return; }
  local options
  options=$(generated "$page")
  [ -n "$options" ] || fail "${page##*/}: empty generated OPTIONS section"
  local name
  while read -r name; do
    grep -qF -- "\\fB$name\\fR" <<<"$options" || fail "${page##*/}: OPTIONS lacks $name (listed by dlqcat $sub --help)"
  done < <(help_option_names $sub)
  # Long options named anywhere in the page, each with the subcommand its line is about: a line
  # that names dlqcat and a subcommand word is about that subcommand, else about the page's.
  local line_sub word text
  while read -r line_sub word text; do
    [ "$line_sub" = - ] && line_sub=""
    if [ -z "${known["$line_sub $word"]-}" ] && [ -z "${known[" $word"]-}" ]; then
      fail "${page##*/}: names $word, which ${line_sub:-dlqcat} does not have: $text"
    fi
  done < <(plain "$page" | awk -v page_sub="${sub:--}" -v subs="${subs[*]}" '
    BEGIN { n = split(subs, names, " ") }
    /--[a-z]/ {
      line_sub = page_sub
      if (index($0, "dlqcat") > 0) {
        for (i = 1; i <= n; i++) {
          if (match($0, "(^|[ (])" names[i] "([ )]|$)")) { line_sub = names[i] }
        }
      }
      rest = $0
      while (match(rest, /--[a-z][a-z0-9-]*/)) {
        print line_sub, substr(rest, RSTART, RLENGTH), $0
        rest = substr(rest, RSTART + RLENGTH)
      }
    }')
}

check_page "$man_dir/dlqcat.1" ""
for sub in "${subs[@]}"; do
  check_page "$man_dir/dlqcat-$sub.1" "$sub"
done
# No page for a subcommand that no longer exists.
for page in "$man_dir"/dlqcat-*.1; do
  sub=$(basename "$page" .1)
  sub=${sub#dlqcat-}
  [[ " ${subs[*]} " == *" $sub "* ]] || fail "${page##*/} documents $sub, which dlqcat --help does not list"
done
finish
