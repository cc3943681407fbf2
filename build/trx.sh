# Sourced by build/test.sh and build/cluster-tests.sh (not run on its own).
# sum_trx: sums the <Counters .../> element of the .trx files on stdin (records split on ">" so one record = one tag)
# and prints "passed failed skipped": failed = failed + error + timeout + aborted; skipped = total - executed.
sum_trx() {
  awk -v RS='>' '
    function attr(tag, name,   m) {
      if (!match(tag, "[[:space:]]" name "=\"[0-9]+\"")) return 0
      m = substr(tag, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0
    }
    /<Counters[[:space:]]/ {
      total += attr($0, "total"); executed += attr($0, "executed"); passed += attr($0, "passed")
      failed += attr($0, "failed") + attr($0, "error") + attr($0, "timeout") + attr($0, "aborted")
    }
    END { print passed + 0, failed + 0, total - executed }'
}
