// SPDX-License-Identifier: GPL-2.0
/*
 * report --flamegraph: the counted stacks as one SVG file that needs
 * nothing else (no fonts, scripts or styles from the network). Frames are
 * laid out as in a flame graph: the command at the bottom, callers below
 * callees, each frame as wide as its inclusive samples, siblings in name
 * order. Host frames are warm colours (user red-orange, kernel orange-
 * yellow), guest frames cool ones (kernel blue, user teal). The script
 * zooms into a clicked frame, searches names by regular expression and
 * resets either; each frame's <title> is its tooltip.
 */
#include "util/export.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SVG_WIDTH	1200
#define SVG_PAD		10
#define FRAME_H		16
#define TOP_PAD		50
#define BOTTOM_PAD	34
#define MIN_WIDTH_PX	0.1	/* narrower frames are left out, as flamegraph.pl does */

/*
 * @str as XML text: markup escaped; control bytes, which XML 1.0 does not
 * allow, as '?'; bytes that are not well-formed UTF-8, and U+FFFE and
 * U+FFFF (not XML characters either), as U+FFFD. Names come from the
 * data and from guests: one stray byte would otherwise leave the whole
 * picture unreadable (a browser shows its parse error instead).
 */
static void xml_escape(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		size_t n = utf8_seq_len(s);

		if (!n || (n == 3 && s[0] == 0xef && s[1] == 0xbf && s[2] >= 0xbe)) {
			fputs(UTF8_REPLACEMENT, fp);
			s += n ? n : 1;
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, n, fp);
			s += n;
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&apos;", fp); break;
		default:
			fputc(*s < 0x20 ? '?' : *s, fp);
		}
		s++;
	}
}

/*
 * A colour per kind, varied by the name so that neighbours stand apart:
 * each channel is its base plus up to its span, by one byte of the name's
 * hash. The command's frames are grey: one byte for all three channels.
 */
static const struct frame_palette {
	unsigned base[3], span[3];
} frame_palette[FRAME_NR_KINDS] = {
	[FRAME_COMM] = { { 170, 170, 180 }, { 30, 30, 30 } },
	[FRAME_HOST_USER] = { { 205, 60, 40 }, { 50, 110, 30 } },
	[FRAME_HOST_KERNEL] = { { 220, 150, 30 }, { 35, 70, 40 } },
	[FRAME_GUEST_KERNEL] = { { 60, 110, 200 }, { 50, 60, 55 } },
	[FRAME_GUEST_USER] = { { 40, 165, 160 }, { 40, 50, 50 } },
};

/*
 * The name's hash for its colour: FNV-1a, then a 64-bit finalizer to
 * spread it over every byte. Not str_hash, which is keyed afresh in each
 * process: a function keeps its colour from one run to the next, and one
 * file's flame graph is the same bytes each time.
 */
static u64 color_hash(const char *s)
{
	u64 h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (u8)*s) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

static void frame_color(const char *name, u8 kind, char *buf, size_t len)
{
	u64 h = color_hash(name);
	bool grey = kind == FRAME_COMM || kind >= FRAME_NR_KINDS;
	const struct frame_palette *p = &frame_palette[grey ? FRAME_COMM : kind];
	unsigned v[3], i;

	for (i = 0; i < 3; i++)
		v[i] = p->base[i] + ((grey ? h : h >> (8 * i)) & 0xff) * p->span[i] / 255;
	snprintf(buf, len, "rgb(%u,%u,%u)", v[0], v[1], v[2]);
}

static const char *const kind_names[FRAME_NR_KINDS] = {
	[FRAME_COMM] = "command", [FRAME_HOST_USER] = "host user",
	[FRAME_HOST_KERNEL] = "host kernel", [FRAME_GUEST_KERNEL] = "guest kernel",
	[FRAME_GUEST_USER] = "guest user",
};

static int name_cmp(const void *a, const void *b, void *fl)
{
	const struct flame_node *x = *(const struct flame_node *const *)a;
	const struct flame_node *y = *(const struct flame_node *const *)b;
	int c = strcmp(flame__name(fl, x), flame__name(fl, y));

	return c ? c : (int)x->kind - (int)y->kind;
}

/* Children in name order, so that two graphs of alike runs look alike. */
static void sort_children(const struct flame *fl, struct flame_node *parent)
{
	struct flame_node *c, **arr;
	size_t n = 0, i;

	for (c = parent->child; c; c = c->next)
		n++;
	if (n < 2)
		return;
	arr = xmalloc(n * sizeof(*arr));
	for (i = 0, c = parent->child; c; c = c->next)
		arr[i++] = c;
	qsort_r(arr, n, sizeof(*arr), name_cmp, (void *)fl);
	for (i = 0; i + 1 < n; i++)
		arr[i]->next = arr[i + 1];
	arr[n - 1]->next = NULL;
	parent->child = arr[0];
	free(arr);
}

static const char script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"'use strict';\n"
"var svg = document.documentElement, frames = [], W = 0, X0 = 0, zoomed = null;\n"
"function num(g, k) { return parseFloat(g.getAttribute('data-' + k)); }\n"
"function fname(g) { var t = g.querySelector('title').textContent; return t.substring(0, t.lastIndexOf(' (')); }\n"
"function label(g, w) {\n"
"  var t = g.querySelector('text'), n = fname(g), c = Math.floor((w - 6) / 7);\n"
"  t.textContent = c < 3 ? '' : (n.length <= c ? n : n.substring(0, c - 2) + '..');\n"
"}\n"
"function place(g, x, w) {\n"
"  var r = g.querySelector('rect'), t = g.querySelector('text');\n"
"  r.setAttribute('x', x.toFixed(2)); r.setAttribute('width', Math.max(w, 0).toFixed(2));\n"
"  t.setAttribute('x', (x + 3).toFixed(2)); label(g, w);\n"
"}\n"
"function show(s0, n0, d0) {\n"
"  frames.forEach(function (g) {\n"
"    var s = num(g, 's'), n = num(g, 'n'), d = num(g, 'd');\n"
"    g.classList.remove('anc');\n"
"    if (d < d0 && s <= s0 && s + n >= s0 + n0) { g.style.display = ''; g.classList.add('anc'); place(g, X0, W); return; }\n"
"    if (d >= d0 && s >= s0 && s + n <= s0 + n0) {\n"
"      var w = n / n0 * W;\n"
"      if (w < 0.1) { g.style.display = 'none'; return; }\n"
"      g.style.display = ''; place(g, X0 + (s - s0) / n0 * W, w); return;\n"
"    }\n"
"    g.style.display = 'none';\n"
"  });\n"
"}\n"
"function zoom(g) {\n"
"  zoomed = g; show(num(g, 's'), num(g, 'n'), num(g, 'd'));\n"
"  document.getElementById('unzoom').style.display = '';\n"
"}\n"
"function unzoom() {\n"
"  zoomed = null; show(0, TOTAL, 0);\n"
"  document.getElementById('unzoom').style.display = 'none';\n"
"}\n"
"function search(re) {\n"
"  var m = 0, ranges = [];\n"
"  frames.forEach(function (g) {\n"
"    var r = g.querySelector('rect');\n"
"    if (re && re.test(fname(g))) { r.setAttribute('fill', 'rgb(230,0,230)'); ranges.push([num(g, 's'), num(g, 'n')]); }\n"
"    else r.setAttribute('fill', r.getAttribute('data-fill'));\n"
"  });\n"
"  /* Samples matched once, however many matching frames they pass through. */\n"
"  ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });\n"
"  var end = -1;\n"
"  ranges.forEach(function (r) { if (r[0] >= end) { m += r[1]; end = r[0] + r[1]; } else if (r[0] + r[1] > end) { m += r[0] + r[1] - end; end = r[0] + r[1]; } });\n"
"  var el = document.getElementById('matched');\n"
"  el.textContent = re ? 'Matched: ' + (100 * m / TOTAL).toFixed(2) + '%' : '';\n"
"  document.getElementById('clear').style.display = re ? '' : 'none';\n"
"  return m;\n"
"}\n"
"function ask() {\n"
"  var s = window.prompt('Search for (regular expression):', '');\n"
"  if (s) { try { search(new RegExp(s)); } catch (e) { window.alert('Not a regular expression: ' + s); } }\n"
"}\n"
"function init() {\n"
"  frames = Array.prototype.slice.call(document.querySelectorAll('g.f'));\n"
"  W = num(svg, 'w'); X0 = num(svg, 'x0');\n"
"  frames.forEach(function (g) {\n"
"    var r = g.querySelector('rect');\n"
"    r.setAttribute('data-fill', r.getAttribute('fill'));\n"
"    g.addEventListener('click', function (e) { zoom(g); e.stopPropagation(); });\n"
"    g.addEventListener('mouseover', function () { document.getElementById('details').textContent = g.querySelector('title').textContent; });\n"
"    g.addEventListener('mouseout', function () { document.getElementById('details').textContent = ' '; });\n"
"  });\n"
"  document.getElementById('unzoom').addEventListener('click', unzoom);\n"
"  document.getElementById('search').addEventListener('click', ask);\n"
"  document.getElementById('clear').addEventListener('click', function () { search(null); });\n"
"  window.addEventListener('keydown', function (e) {\n"
"    if ((e.ctrlKey && e.key === 'f') || e.key === 'F3') { e.preventDefault(); ask(); }\n"
"    else if (e.key === 'Escape') { unzoom(); search(null); }\n"
"  });\n"
"  show(0, TOTAL, 0);\n"
"  /* Links can carry a search (?s=REGEX) and a zoom (?z=NAME: its widest frame). */\n"
"  var q = /[?&]s=([^&]*)/.exec(window.location.search);\n"
"  if (q) search(new RegExp(decodeURIComponent(q[1])));\n"
"  var z = /[?&]z=([^&]*)/.exec(window.location.search), best = null;\n"
"  if (z) frames.forEach(function (g) { if (fname(g) === decodeURIComponent(z[1]) && (!best || num(g, 'n') > num(best, 'n'))) best = g; });\n"
"  if (z && best) zoom(best);\n"
"  svg.setAttribute('data-ready', '1');\n"
"}\n"
"window.addEventListener('load', init);\n"
"]]></script>\n";

struct svg_ctx {
	const struct flame *fl;
	FILE *fp;
	double scale;		/* pixels per sample */
	double height;
	u64 shown;
};

/* Preorder without recursion: depth is bounded only by the callchains. */
static void svg_frames(struct svg_ctx *c)
{
	struct flame_node *n;
	u64 *starts = xcalloc(c->fl->max_depth + 2, sizeof(*starts));
	size_t depth = 0;
	u64 start = 0;
	char color[32];

	sort_children(c->fl, (struct flame_node *)&c->fl->root);
	n = c->fl->root.child;
	while (n) {
		double w = (double)n->total * c->scale;

		starts[depth] = start;
		if (w >= MIN_WIDTH_PX) {
			double x = SVG_PAD + (double)start * c->scale;
			double y = c->height - BOTTOM_PAD - (double)(depth + 1) * FRAME_H;
			const char *name = flame__name(c->fl, n);

			frame_color(name, n->kind, color, sizeof(color));
			fprintf(c->fp, "<g class=\"f\" data-s=\"%llu\" data-n=\"%llu\" data-d=\"%zu\" "
				"data-k=\"%s\"><title>", (unsigned long long)start,
				(unsigned long long)n->total, depth, kind_names[n->kind]);
			xml_escape(c->fp, name);
			fprintf(c->fp, " (%llu samples, %.2f%%)</title><rect x=\"%.2f\" y=\"%.1f\" "
				"width=\"%.2f\" height=\"%d\" fill=\"%s\" rx=\"2\" ry=\"2\"/>"
				"<text x=\"%.2f\" y=\"%.1f\"></text></g>\n",
				(unsigned long long)n->total,
				100.0 * (double)n->total / (double)c->fl->root.total, x, y, w,
				FRAME_H - 1, color, x + 3, y + 11.5);
			c->shown++;
			if (n->child) {
				sort_children(c->fl, n);
				n = n->child;
				depth++;
				continue;	/* children start where the parent does */
			}
		}
		/* Next sibling, or up. */
		while (n && !n->next) {
			n = n->parent == &c->fl->root ? NULL : n->parent;
			if (depth)
				depth--;
		}
		if (n) {
			start = starts[depth] + n->total;
			n = n->next;
		}
	}
	free(starts);
}

int flame__write_svg(const struct flame *fl, const char *path, const char *title)
{
	struct svg_ctx c = { .fl = fl };
	double width = SVG_WIDTH - 2 * SVG_PAD;
	FILE *fp;
	int ret = 0;

	fp = fopen(path, "w");
	if (!fp)
		return -errno;
	c.fp = fp;
	c.scale = fl->root.total ? width / (double)fl->root.total : 0;
	c.height = TOP_PAD + BOTTOM_PAD + (double)(fl->max_depth + 1) * FRAME_H;
	fprintf(fp, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%.0f\" viewBox=\"0 0 %d %.0f\" data-w=\"%.2f\" data-x0=\"%d\">\n",
		SVG_WIDTH, c.height, SVG_WIDTH, c.height, width, SVG_PAD);
	fprintf(fp, "<style>\n"
		"text { font-family: monospace; font-size: 12px; fill: rgb(0,0,0); }\n"
		"g.f { cursor: pointer; }\n"
		"g.f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; }\n"
		"g.anc { opacity: 0.5; }\n"
		".btn { cursor: pointer; fill: rgb(0,0,160); }\n"
		"#title { font-size: 17px; text-anchor: middle; }\n"
		"</style>\n"
		"<script type=\"text/ecmascript\">var TOTAL = %llu;</script>\n",
		(unsigned long long)fl->root.total);
	fputs(script, fp);
	fprintf(fp, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"rgb(248,248,240)\"/>\n",
		SVG_WIDTH, c.height);
	fprintf(fp, "<text id=\"title\" x=\"%d\" y=\"24\">", SVG_WIDTH / 2);
	xml_escape(fp, title);
	fprintf(fp, "</text>\n"
		"<text id=\"unzoom\" class=\"btn\" x=\"%d\" y=\"24\" style=\"display:none\">Reset Zoom</text>\n"
		"<text id=\"search\" class=\"btn\" x=\"%d\" y=\"24\">Search</text>\n"
		"<text id=\"clear\" class=\"btn\" x=\"%d\" y=\"40\" style=\"display:none\">Clear search</text>\n"
		"<text id=\"matched\" x=\"%d\" y=\"%.0f\"></text>\n"
		"<text id=\"details\" x=\"%d\" y=\"%.0f\"> </text>\n"
		"<text x=\"%d\" y=\"40\">host: warm colours, guest: cool colours; %llu samples</text>\n",
		SVG_PAD, SVG_WIDTH - SVG_PAD - 60, SVG_WIDTH - SVG_PAD - 100, SVG_WIDTH - SVG_PAD - 160,
		c.height - 10, SVG_PAD, c.height - 10, SVG_PAD,
		(unsigned long long)fl->root.total);
	svg_frames(&c);
	fputs("</svg>\n", fp);
	if (ferror(fp))
		ret = -EIO;
	if (fclose(fp) && !ret)
		ret = -errno;
	return ret;
}
