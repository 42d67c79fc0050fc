# session.sh - an everyday busybox shell session: files, pipes, text tools, loops,
# arithmetic, redirections, test, find and ls, sort, checksums, archives, error messages.
# It prints nothing that differs between machines or runs (no times, pids, owners,
# directory sizes or absolute paths; find's order is sorted), so its output on Cairn
# must be the host's line for line: grade/labs/lab9linux.py (linux-busybox-session)
# runs it under the host's busybox (the same i386 binary) and on stage 9 and compares.
#
#     busybox sh session.sh DIR WORD1 WORD2 WORD3 N     (DIR: an empty place to work in)
exec 2>&1
umask 022
export TZ=UTC0 LC_ALL=C
A=$2 B=$3 C=$4 N=$5
cd "$1" && mkdir -p s/sub/deep && cd s || exit 9
echo "in $(pwd | sed 's|.*/||')"
printf '%s\n' "$A" "$B" "$C" "$A" "$B" "$A" > words.txt
echo "lines $(wc -l < words.txt)"
sort words.txt | uniq -c | sort -k1,1nr -k2 | awk '{print $2 ":" $1}'
sort -u words.txt | xargs echo sorted:
grep -n "$B" words.txt
head -n 2 words.txt | sed "s/^/head: /"
cat -n words.txt | tail -n 2
seq 1 "$N" > nums.txt
awk '{s += $1} END {print "sum", s, "rows", NR}' nums.txt
echo "gauss $((N * (N + 1) / 2)) mod $((N % 3)) shift $((1 << N)) neg $((-7 / 2))"
expr "$N" \* 3 + 1
i=0; while [ $i -lt "$N" ]; do i=$((i + 1)); done; echo "counted $i"
for f in one two three; do echo "file $f" > "$f.txt"; done; ls *.txt | xargs echo txt:
cut -d' ' -f2 one.txt two.txt three.txt | paste -sd, -
cp one.txt sub/copy.txt && cmp one.txt sub/copy.txt && echo "cp: same"
mv two.txt sub/deep/ && ls sub/deep
rm three.txt; test -e three.txt || echo "rm: three gone"
test -d sub && test -f sub/copy.txt && [ ! -e sub/none ] && echo "test: ok"
touch empty; [ -e empty ] && [ ! -s empty ] && [ -s one.txt ] && echo "touch: empty"
find . -type f | sort
find . -name '*.txt' -type f | wc -l
find . -type d | sort | xargs echo dirs:
ls -R sub
md5sum words.txt nums.txt
sha1sum words.txt | cut -d' ' -f1
sha256sum < nums.txt
head -c 12 words.txt | od -An -c
sed -n '2,4p' nums.txt | xargs | tr ' ' +
sed "s/$A/X/g" words.txt | sort -u | xargs echo sed:
sed -i "s/$C/Z/" words.txt; grep -c Z words.txt
echo "a:b:c" | cut -d: -f2,3
printf '%05d|%-4s|%x|%s\n' 42 ab 255 "$B"
basename /x/y/z.txt .txt; dirname /x/y/z.txt
x=$(echo "$A" | tr a-z A-Z); echo "upper ${x} length ${#A}"
case $N in [0-4]) echo "case small" ;; *) echo "case big" ;; esac
f() { echo "f got $# args: $*"; return 3; }; f p q r; echo "f returned $?"
{ echo first; echo second; } > grp.txt; echo appended >> grp.txt; wc -l < grp.txt; tail -n 1 grp.txt
cat missing.txt; echo "cat status $?"
ls nowhere; echo "ls status $?"
rmdir sub; echo "rmdir status $?"
seq 1 200 | sort -rn | head -n 3 | xargs
seq 1 1000 | md5sum
yes "$C" | head -n 4 | uniq -c
tar cf a.tar words.txt nums.txt && rm words.txt nums.txt && tar xf a.tar && tar tf a.tar && md5sum nums.txt
gzip -c nums.txt > n.gz && gunzip -c n.gz | cmp - nums.txt && echo "gzip: round trip"
base64 words.txt | base64 -d | cmp - words.txt && echo "base64: round trip"
echo 1 2 3 4 5 | xargs -n 2 echo pair
echo changed > sub/copy.txt; cmp one.txt sub/copy.txt; echo "cmp status $?"
stat -c '%n %s %F %a' one.txt sub/copy.txt; stat -c '%n %F %a' sub
ls -l one.txt | awk '{print $1, $5, $NF}'
dd if=/dev/zero bs=512 count=3 2>/dev/null | wc -c
cat <<EOF
here $A and $((N + 1))
EOF
read line < one.txt; echo "read: $line"
echo "$A $B $C" | { read x y z; echo "reversed $z $y $x"; }
set -- p q r; shift; echo "args $# first $1"
seq 10 | awk 'NR % 3 == 0' | xargs
seq 5 | tail -n +3 | head -n 2 | xargs
echo "$A" | rev
echo "2 3 + 4 * p" | dc
date -u -d @86400 '+%Y-%m-%d %H:%M'; date +%Y | grep -c '^20[0-9][0-9]$'
sleep 0.2 && echo "slept"
printf 'b\nc\na\n' > u.txt; sort -o u.txt u.txt; xargs < u.txt
rm -r sub; ls
cd .. && rm -r s && ls -a | xargs echo left:
