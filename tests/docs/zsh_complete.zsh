# zsh -f zsh_complete.zsh FPATH_DIR LINE: types LINE and TAB TAB into an interactive zsh (zpty)
# whose compinit loads _dlqcat from FPATH_DIR, and prints what the terminal showed, without
# escape sequences: the completed line and the listing of the candidates.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D; PROMPT='>'; LISTMAX=10000"
zpty -w z "print READY"
zpty -r z line '*READY*'
zpty -w -n z "$2"$'\t\t'
sleep 1.5
out=""
while zpty -r -t z chunk; do out+=$chunk; done
zpty -d z
print -r -- "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
