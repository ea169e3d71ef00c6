# zsh -f zsh_complete.zsh FPATH_DIR LINE: types LINE and TAB TAB into an interactive zsh (zpty)
# whose compinit loads _dlqcat from FPATH_DIR, and prints what the terminal showed, without
# escape sequences: the completed line and the listing of the candidates.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D; PROMPT='>'; LISTMAX=10000"
zpty -w z "print READY"
zpty -r z line '*READY*'
zpty -w -n z "$2"$'\t\t'
# Read until zle has answered (anything beyond the typed line, which a loaded machine may not
# show for seconds) and then stayed quiet for 1.5 s; give up after 20 s.
out=""
typeset -F SECONDS=0
typeset -F last=0
while (( SECONDS < 20 )); do
  if zpty -r -t z chunk; then
    out+=$chunk
    last=$SECONDS
    continue
  fi
  if (( SECONDS - last >= 1.5 )); then
    shown=$(print -r -- "$out" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' | tr -d '\t\r\n >')
    [[ $shown != ${2//[$'\t >']/} ]] && break
  fi
  sleep 0.1
done
zpty -d z
print -r -- "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g'
