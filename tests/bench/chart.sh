#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# chart.sh <results.csv> <out.png>: one bar per row that has a ratio, as
# Keel's advantage (peer / Keel for times, sizes and counts, Keel / peer
# for throughputs: higher is better on every row; log scale), the goal of
# the row as a red mark; the bar is green when the goal is met, orange
# when missed, blue without a goal.
# chart.sh --exits <exits.csv> <out.png>: the exits of one nested Linux
# boot, the total and by reason, one bar per VMM (log scale; fewer is
# better).
set -u
exits=0
[ "$1" = --exits ] && { exits=1; shift; }
csv=$1 png=$2
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "bench: error: gnuplot is not installed (Debian gnuplot-nox, 'make deps'): no chart" >&2
	exit 1
fi
data=$(mktemp)
trap 'rm -f "$data"' EXIT
if [ $exits = 1 ]; then
	/usr/bin/python3 "$(dirname "$0")/stats.py" exitchart "$csv" "$data" || exit 1
	n=$(($(wc -l <"$data") - 1))
	nv=$(($(head -1 "$data" | wc -w) - 1))
	gnuplot <<GP
set terminal pngcairo size $((300 + 40 * nv * n)),600 noenhanced font "sans,10"
set output "$png"
set title "L2 exits of one nested Linux boot, by reason (median of the counted runs; fewer is better)"
set logscale y
set yrange [1:*]
set grid ytics
set bmargin 6
set key top right autotitle columnhead
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.7 border -1
set boxwidth 0.9
set xtics nomirror font ",9"
plot for [c=2:$((nv + 1))] "$data" using c:xtic(1) title columnhead(c)
GP
	exit
fi
/usr/bin/python3 "$(dirname "$0")/stats.py" chart "$csv" "$data" || exit 1
n=$(wc -l <"$data")
[ "$n" -gt 0 ] || { echo "bench: no ratios to draw" >&2; exit 0; }
gnuplot <<GP
set terminal pngcairo size $((200 + 170 * n)),600 noenhanced font "sans,10"
set output "$png"
set title "Keel's advantage: peer / Keel for times, sizes, counts; Keel / peer for throughputs (higher is better; above 1 Keel wins; red: goal; bar green: met, orange: missed, blue: no goal)"
set logscale y
set yrange [0.05:1000]
set ytics (0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000)
set grid ytics
set xrange [-0.6:$n - 0.4]
set bmargin 7
set xtics nomirror font ",9"
set style fill solid 0.6 border -1
set boxwidth 0.6
set key top left
set arrow from -0.6,1 to $n - 0.4,1 nohead dt 2 lc rgb "#555555"
plot "$data" using 1:3:5:xtic(2) with boxes lc rgb variable notitle, \
     "" using 1:3:(sprintf("%.3g", \$3)) with labels offset 0,0.8 notitle, \
     "" using 1:(\$4 > 0 ? \$4 : 1/0):(0.32) with xerrorbars pt 0 lw 3 lc rgb "#d62728" title "goal"
GP
