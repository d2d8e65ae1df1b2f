# The awk baseline for `make bench`: per-level and per-service counts of plain
# lines in either order (LEVEL TS SERVICE ... / TS LEVEL SERVICE ... /
# DATE TIME LEVEL SERVICE ...), as a shell user would write it.
NF == 0 { next }
{
  if ($1 ~ /^[0-9]/) {
    if ($2 ~ /^[0-9][0-9]:/) { l = $3; s = $4 } else { l = $2; s = $3 }
  } else { l = $1; s = $3 }
  L[l]++; S[s]++
}
END {
  for (k in L) print "level", k, L[k]
  for (k in S) print "service", k, S[k]
}
