# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# Draws the charts lfpool-bench --plot DIR writes data for:
#   gnuplot -e "dir='DIR'" plot.gp
# Each DIR/<chart>.dat holds "# title:", "# ylabel:" and "# bars:" lines,
# a header,
# then one row per allocator configuration with, for each bar, its median,
# min and max over the runs (drawn as the bar and its error bar; "?" for
# configurations where the scenario does not apply).

if (!exists("dir")) dir = "."

set terminal png size 1400,650 font ",10" noenhanced
set datafile missing "?"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.75 border -1
set xtics rotate by -35 scale 0
set grid ytics
set key top right
set yrange [0:*]
set bmargin 7

do for [f in "same pipeline oversub stop latency"] {
	data = dir."/".f.".dat"
	if (system("test -r '".data."' && echo 1 || echo 0") eq "1") {
		bars = int(system("sed -n 's/^# bars: //p' '".data."'"))
		set title system("sed -n 's/^# title: //p' '".data."'")
		set ylabel system("sed -n 's/^# ylabel: //p' '".data."'")
		if (f eq "latency") {
			set logscale y
			set yrange [1:*]
		} else {
			unset logscale y
			set yrange [0:*]
		}
		set output dir."/".f.".png"
		plot for [i=0:bars-1] data using (column(2+3*i)):(column(3+3*i)):(column(4+3*i)):xtic(1) title columnheader(2+3*i)
	}
}
