# groff -man -ww -z prints nothing for a clean page: any warning fails the check.
page=${1:?usage: groff_clean.bash PAGE}
out=$(groff -man -ww -z "$page" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then
  echo "$out"
  exit 1
fi
