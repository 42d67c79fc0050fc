#!/usr/bin/env bash
# run-host-tests.sh - run each host test binary, show its summary line, and end
# with the total as "N passed, N failed".
set -u
# UBSan's report with its stack: its frames name the test that died (UBSan
# calls no death callback; tests/host.h names the test for the other deaths).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
HOST_TEST_SECONDS=${HOST_TEST_SECONDS:-300}   # a soak's longer fuzz runs stay far below it
passed=0 failed=0 broken=0
for bin in "$@"; do
  if [ ! -x "$bin" ]; then
    echo "  FAIL $bin did not build"; failed=$((failed + 1)); continue
  fi
  # Bounded, as the grader bounds them: a test that hangs is a failure, not a stuck run.
  out=$(timeout --kill-after=5 "$HOST_TEST_SECONDS" "$bin" 2>&1); rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    out+=$'\n'"$bin: still running after $HOST_TEST_SECONDS s: stopped"
  fi
  summary=$(printf '%s\n' "$out" | tail -n 1)
  if [[ $summary =~ ([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
  else
    broken=$((broken + 1)); failed=$((failed + 1))
  fi
  if [ $rc -ne 0 ]; then
    # Exited badly after its summary (a crash at exit, a leak report): a failure.
    [[ $summary =~ \ 0\ failed ]] && failed=$((failed + 1))
    printf '%s\n' "$out"
    [[ $summary =~ passed ]] || echo "$bin: crashed or exited $rc without a summary"
  else
    echo "  $summary"
  fi
done
echo "host tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
