# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# Draws the charts lfpool-bench --plot DIR writes data for:
#   gnuplot -e "dir='DIR'" plot.gp
# For each chart, DIR/<chart>.dat holds a header, then one row per
# allocator configuration with, for each bar, its median, min and max over
# the runs (the bar and its whisker; "?" where the scenario does not
# apply), and DIR/<chart>.gp its settings: bars (how many per row), logy,
# the title (object size, machine, date), axis labels, the y range when
# outliers are clipped, labels on zero, missing and clipped bars, and the
# target lines.

if (!exists("dir")) dir = "."

set terminal pngcairo size 1400,700 font ",10" noenhanced
set datafile missing "?"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.75 border -1
set xtics rotate by -35 scale 0
set grid ytics
set key outside top center horizontal box opaque
# Labels marked "boxed" (targets, clipped values) stay readable on bars.
set style textbox opaque noborder

do for [f in "same pipeline oversub stop latency"] {
	data = dir."/".f.".dat"
	if (system("test -r '".data."' && test -r '".dir."/".f.".gp' && echo 1 || echo 0") eq "1") {
		unset label
		unset arrow
		unset logscale y
		set yrange [0:*]
		load dir."/".f.".gp"
		if (logy) {
			set logscale y
			set yrange [1:*]
		}
		set output dir."/".f.".png"
		plot for [i=0:bars-1] data using (column(2+3*i)):(column(3+3*i)):(column(4+3*i)):xtic(1) title columnheader(2+3*i)
	}
}
