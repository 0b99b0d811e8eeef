//! Charts with Plotters, drawn to SVG text in memory. Every bar carries its value as text, so
//! no meaning rests on colour; the alt text and the data table come from the report model.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The family named in the SVG: it must be a font in `fonts/`, or Typst silently substitutes.
pub const FONT_FAMILY: &str = "Open Sans";

const WIDTH: u32 = 820;
const LABEL_W: i32 = 330;
const BAR_H: i32 = 30;
const BAR_GAP: i32 = 5;
const GROUP_GAP: i32 = 16;
const TOP: i32 = 14;
const AXIS_H: i32 = 44;
/// Chart colours: dark enough that white text and the bars' edges stand out (contrast ≥ 4.5:1).
const EMPHASIS: RGBColor = RGBColor(0x1d, 0x4f, 0x91);
const OTHER: RGBColor = RGBColor(0x8a, 0x95, 0x9b);
const INK: RGBColor = RGBColor(0x0b, 0x0c, 0x0c);
const GRID: RGBColor = RGBColor(0xd0, 0xd4, 0xd6);

/// A horizontal bar chart of percentages, in groups (one group per score, area or value).
#[derive(Debug, Clone)]
pub struct BarChart {
    pub groups: Vec<BarGroup>,
    /// Where its plot starts and ends and how wide it is. `None`: what this chart's names and
    /// labels need. A part of a split chart keeps the whole chart's, so that every part is drawn
    /// at one scale (`BarChart::part`); so do charts of one kind (`BarChart::share_rooms`).
    pub rooms: Option<Frame>,
}

/// A bar chart's frame, in SVG px: the plot runs from `x0` (0%) to `x1` (100%) in a chart
/// `width` wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame {
    pub x0: i32,
    pub x1: i32,
    pub width: i32,
}

impl BarChart {
    pub fn new(groups: Vec<BarGroup>) -> Self {
        BarChart { groups, rooms: None }
    }

    /// Draws every chart of `charts` at one scale: each keeps the room the widest names and
    /// labels of any of them need (the charts of one kind in a report, side by side).
    pub fn share_rooms(charts: &mut [BarChart]) {
        let Some(x0) = charts.iter().map(name_x0).max() else { return };
        let plot = charts.iter().map(|c| frame_at(c, x0)).map(|f| f.x1 - f.x0).min().unwrap_or(MIN_PLOT_W);
        let width = charts.iter().map(|c| (x0 + needed(c, plot)).max(WIDTH as i32)).max().unwrap_or(WIDTH as i32);
        for c in charts {
            c.rooms = Some(Frame { x0, x1: x0 + plot, width });
        }
    }

    /// The groups `range` of this chart, drawn at the same scale and width as the whole chart.
    pub fn part(&self, range: std::ops::Range<usize>) -> BarChart {
        BarChart { groups: self.groups[range].to_vec(), rooms: Some(frame(self)) }
    }

    /// Whether its bars carry names: each group's label is then a title above its bars, and
    /// each bar's name is left of it (`Male`, then the bar, then `62%`), so that the text after
    /// a bar is only its figure and the plot keeps its width.
    fn titled(&self) -> bool {
        self.groups.iter().flat_map(|g| &g.bars).any(|b| b.name.is_some())
    }

    fn bar_h(&self) -> i32 {
        if self.titled() {
            TITLED_BAR_H
        } else {
            BAR_H
        }
    }
}

#[derive(Debug, Clone)]
pub struct BarGroup {
    pub label: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone)]
pub struct Bar {
    /// Its name, left of the bar under its group's title (`Male`); `None`: the group's label
    /// is left of the bars.
    pub name: Option<String>,
    /// Text after the bar, such as `Cumbria 76%`, or `76%` after a named bar.
    pub label: String,
    /// Exact percentage; `None` draws no bar (figure not shown as a percentage).
    pub value: Option<f64>,
    /// The bar of the report's own area: drawn dark, others light.
    pub emphasis: bool,
    /// Lowest and highest of the areas, drawn as a whisker over the bar.
    pub range: Option<(f64, f64)>,
}

/// The width of the text block the charts are drawn across, in points (A4 less 2.2 cm margins).
pub const TEXT_WIDTH_PT: f64 = 595.2756 - 2.0 * 2.2 * 72.0 / 2.54;
/// The tallest a chart may be on the page, in points: with its caption and the heading before
/// it, it fits in the text area (700 pt).
pub const MAX_HEIGHT_PT: f64 = 600.0;
/// The plot area is never narrower than this, whatever room the value labels need.
const MIN_PLOT_W: i32 = 280;
const MIN_PLOT_W_SQUEEZED: i32 = 180;
const MAX_WIDTH: i32 = 1000;
/// Plotters sizes: the SVG's `font-size` is this divided by 1.24 (24 → 19.4 px, about 10 pt on
/// the page).
const LABEL_SIZE: i32 = 24;
const TICK_SIZE: i32 = 24;
/// Text inside a stacked bar's segment and a key's swatch.
const SEGMENT_SIZE: i32 = 24;

/// The width of `text` at `size` px in Open Sans, estimated from the widths of its characters
/// (generous: a label must never be clipped).
pub fn text_width(text: &str, size: i32) -> i32 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            '0'..='9' => 0.58,
            'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | '(' | ')' | 'I' => 0.3,
            ' ' => 0.27,
            'm' | 'w' => 0.88,
            'M' | 'W' | '%' => 0.9,
            'A'..='Z' => 0.68,
            '–' | '—' => 0.6,
            _ => 0.58,
        })
        .sum();
    // Plotters draws `size` at `size / 1.24` px.
    (em * f64::from(size) / 1.24).ceil() as i32
}

/// Where a bar chart's plot area ends and how wide it is: the right part holds the widest value
/// label after its bar at 100%, and the chart grows wider (and is scaled down on the page)
/// rather than clip a label or squeeze the plot.
/// The chart's frame: its own, or the one it shares.
fn frame(chart: &BarChart) -> Frame {
    chart.rooms.unwrap_or_else(|| frame_at(chart, name_x0(chart)))
}

/// Where the plot starts: after the groups' labels, or the bars' names under titles.
fn name_x0(chart: &BarChart) -> i32 {
    let room = if chart.titled() {
        chart.groups.iter().flat_map(|g| &g.bars).filter_map(|b| b.name.as_deref()).map(|n| text_width(n, LABEL_SIZE)).max().unwrap_or(0).max(60) + 12
    } else {
        LABEL_W
    };
    room + 10
}

/// Each bar's end (a fraction of the plot: its value, or the top of its whisker) and the room
/// its label needs after it.
fn label_ends(chart: &BarChart) -> Vec<(f64, i32)> {
    chart
        .groups
        .iter()
        .flat_map(|g| &g.bars)
        .map(|b| {
            let end = b.value.unwrap_or(0.0).max(b.range.map_or(0.0, |r| r.1)).clamp(0.0, 100.0) / 100.0;
            (end, 8 + text_width(&bar_text(b), LABEL_SIZE) + 8)
        })
        .collect()
}

/// The width right of `x0` that a plot `plot` wide needs: every label after its bar's end, and
/// the last tick's label.
fn needed(chart: &BarChart, plot: i32) -> i32 {
    needed_by(&label_ends(chart), plot)
}

/// `needed` from the bars' label ends, measured once.
fn needed_by(ends: &[(f64, i32)], plot: i32) -> i32 {
    ends.iter().map(|(f, w)| (f * f64::from(plot)).round() as i32 + w).max().unwrap_or(0).max(plot + 30)
}

/// The widest plot whose labels fit in the chart's width (a long label after a short bar
/// needs less room than one after a full bar); the chart grows wider (and is scaled down on
/// the page) rather than clip a label or squeeze the plot below its minimum, and the plot gives
/// way before the chart passes `MAX_WIDTH`.
fn frame_at(chart: &BarChart, x0: i32) -> Frame {
    let avail = WIDTH as i32 - x0;
    let mut plot = avail - 30;
    let ends = label_ends(chart);
    for &(f, w) in &ends {
        if f > 0.0 {
            plot = plot.min(((f64::from(avail - w)) / f).floor() as i32);
        } else if w > avail {
            plot = 0;
        }
    }
    if plot >= MIN_PLOT_W && needed_by(&ends, plot) <= avail {
        return Frame { x0, x1: x0 + plot, width: WIDTH as i32 };
    }
    let mut plot = MIN_PLOT_W;
    while plot > MIN_PLOT_W_SQUEEZED && x0 + needed_by(&ends, plot) > MAX_WIDTH {
        plot -= 10;
    }
    Frame { x0, x1: x0 + plot, width: (x0 + needed_by(&ends, plot)).max(WIDTH as i32) }
}

/// A group's label as drawn: beside its bars in 28 characters a line, or as a title above them
/// across the chart.
fn wrapped_labels(chart: &BarChart) -> Vec<Vec<String>> {
    // A title runs across the chart, about 12 px a character.
    let width = if chart.titled() { ((frame(chart).width - 12) / 12).max(28) as usize } else { 28 };
    chart.groups.iter().map(|g| wrap(&g.label, width)).collect()
}

/// The height of a title line above a group of named bars, and of its bars: a group with a
/// title is taller, so its bars are a little thinner.
const TITLE_LINE: i32 = 22;
const TITLED_BAR_H: i32 = 26;

/// The text after a bar: its label, and for a figure drawn without a bar why there is none, so
/// that no missing bar reads as zero: `*` for too few cases (explained in the caption: a long
/// phrase after each such label made the chart too wide to read), `(none relevant)`.
fn bar_text(bar: &Bar) -> String {
    match bar.value {
        Some(_) => bar.label.clone(),
        None if bar.label.ends_with('–') => format!("{} (none relevant)", bar.label),
        // The caption says what the mark means (`render::bar_figures`).
        None if bar.label.contains(" of ") => format!("{} *", bar.label),
        None => bar.label.clone(),
    }
}

/// Whether a chart marks a figure with `*` (too few cases to draw a bar).
pub fn marks_too_few(chart: &BarChart) -> bool {
    chart.groups.iter().flat_map(|g| &g.bars).any(|b| b.value.is_none() && b.label.contains(" of "))
}

/// The size of a bar chart as drawn, in SVG px: `(width, height)`.
pub fn bar_chart_size(chart: &BarChart) -> (u32, u32) {
    let width = frame(chart).width;
    let wrapped = wrapped_labels(chart);
    let heights = group_heights(chart, &wrapped);
    let body: i32 = heights.iter().sum::<i32>() + GROUP_GAP * (chart.groups.len().saturating_sub(1) as i32);
    (width as u32, (TOP + body + AXIS_H) as u32)
}

/// How tall a bar chart is on the page, in points, drawn across the text block.
pub fn bar_chart_height_pt(chart: &BarChart) -> f64 {
    let (w, h) = bar_chart_size(chart);
    f64::from(h) * TEXT_WIDTH_PT / f64::from(w)
}

fn group_heights(chart: &BarChart, wrapped: &[Vec<String>]) -> Vec<i32> {
    let mut heights = Vec::new();
    let bar_h = chart.bar_h();
    for (g, lines) in chart.groups.iter().zip(wrapped) {
        let bars = g.bars.len().max(1) as i32 * (bar_h + BAR_GAP) - BAR_GAP;
        if chart.titled() {
            heights.push(lines.len() as i32 * TITLE_LINE + 2 + bars);
            continue;
        }
        // A label taller than its bars gets room above and below, so that the labels of
        // neighbouring groups never touch (a group of one bar beside a three-line label).
        let label = lines.len() as i32 * 22;
        heights.push(if label >= bars { label + 10 } else { bars });
    }
    heights
}

/// Draws `chart` as SVG text.
pub fn horizontal_bars(chart: &BarChart) -> String {
    let wrapped = wrapped_labels(chart);
    let heights = group_heights(chart, &wrapped);
    let body: i32 = heights.iter().sum::<i32>() + GROUP_GAP * (chart.groups.len().saturating_sub(1) as i32);
    let (width, height) = bar_chart_size(chart);

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(&root, chart, &wrapped, &heights, body).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    svg
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(root: &Area<'_>, chart: &BarChart, wrapped: &[Vec<String>], heights: &[i32], body: i32) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    root.fill(&WHITE)?;
    let Frame { x0, x1, .. } = frame(chart);
    let titled = chart.titled();
    let bar_h = chart.bar_h();
    let x = |v: f64| x0 + ((x1 - x0) as f64 * v.clamp(0.0, 100.0) / 100.0).round() as i32;
    let font = |size: i32| (FONT_FAMILY, size).into_font().color(&INK);
    let axis_y = TOP + body + 6;
    // Value labels are drawn last, each on a white ground, so that grid lines pass behind them.
    let mut labels: Vec<(String, i32, i32)> = Vec::new();

    // Grid and axis.
    // A plot squeezed by long labels has room for three ticks, not five.
    let ticks: &[f64] = if x1 - x0 < 250 { &[0.0, 50.0, 100.0] } else { &[0.0, 25.0, 50.0, 75.0, 100.0] };
    for &tick in ticks {
        let gx = x(tick);
        // Under titles, the grid runs over each group's bars only (below), never through a title.
        let from = if titled { axis_y - 8 } else { TOP - 4 };
        root.draw(&PathElement::new(vec![(gx, from), (gx, axis_y)], GRID.stroke_width(1)))?;
        root.draw(&Text::new(format!("{tick:.0}%"), (gx, axis_y + 4), font(TICK_SIZE).pos(Pos::new(HPos::Center, VPos::Top))))?;
    }

    let mut y = TOP;
    for ((group, lines), h) in chart.groups.iter().zip(wrapped).zip(heights) {
        let block = group.bars.len().max(1) as i32 * (bar_h + BAR_GAP) - BAR_GAP;
        let top = if titled {
            // The title above the bars, from the chart's left edge, in bold.
            for (i, line) in lines.iter().enumerate() {
                let style = (FONT_FAMILY, LABEL_SIZE, FontStyle::Bold).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
                let ly = y + TITLE_LINE / 2 + i as i32 * TITLE_LINE;
                root.draw(&Text::new(line.clone(), (4, ly), style))?;
            }
            let top = y + lines.len() as i32 * TITLE_LINE + 2;
            for &tick in ticks {
                root.draw(&PathElement::new(vec![(x(tick), top - 3), (x(tick), top + block + 3)], GRID.stroke_width(1)))?;
            }
            top
        } else {
            // Bars and label centred in the group's height (taller than the bars for a long label).
            let top = y + (h - block).max(0) / 2;
            let label_top = top + (block - lines.len() as i32 * 22) / 2;
            for (i, line) in lines.iter().enumerate() {
                root.draw(&Text::new(line.clone(), (x0 - 10, label_top + 11 + i as i32 * 22), font(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center))))?;
            }
            top
        };
        for (i, bar) in group.bars.iter().enumerate() {
            let by = top + i as i32 * (bar_h + BAR_GAP);
            if let Some(name) = &bar.name {
                root.draw(&Text::new(name.clone(), (x0 - 10, by + bar_h / 2), font(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center))))?;
            }
            let mut end = x0;
            if let Some(v) = bar.value {
                end = x(v);
                let colour = if bar.emphasis { EMPHASIS } else { OTHER };
                root.draw(&Rectangle::new([(x0, by), (end.max(x0 + 1), by + bar_h)], colour.filled()))?;
            }
            if let Some((lo, hi)) = bar.range {
                let my = by + bar_h / 2;
                let style = INK.stroke_width(2);
                root.draw(&PathElement::new(vec![(x(lo), my), (x(hi), my)], style))?;
                root.draw(&PathElement::new(vec![(x(lo), by + 4), (x(lo), by + bar_h - 4)], style))?;
                root.draw(&PathElement::new(vec![(x(hi), by + 4), (x(hi), by + bar_h - 4)], style))?;
                end = end.max(x(hi));
            }
            labels.push((bar_text(bar), end + 8, by + bar_h / 2));
        }
        y += h + GROUP_GAP;
    }

    for (label, lx, ly) in labels {
        let w = text_width(&label, LABEL_SIZE);
        root.draw(&Rectangle::new([(lx - 3, ly - 12), (lx + w + 3, ly + 12)], WHITE.filled()))?;
        root.draw(&Text::new(label, (lx, ly), font(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center))))?;
    }
    Ok(())
}

/// Counts stacked in one bar per row, such as how many areas got each rating for every
/// standard. Each segment carries its text (an abbreviation and the count), and a key under the
/// chart names every abbreviation: the colours only repeat what the words say.
#[derive(Debug, Clone)]
pub struct StackedChart {
    pub rows: Vec<StackedRow>,
    /// Each bar its share of its row's total, on an axis of 0–100%: rows of different totals
    /// (questionnaires answered by 16 victims and by 12 sentencers) at one scale.
    pub percent: bool,
    /// `(abbreviation, meaning, fill, text colour)` for the key, in segment order.
    pub key: Vec<(String, String, String, String)>,
}

#[derive(Debug, Clone)]
pub struct StackedRow {
    pub label: String,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
pub struct Segment {
    /// Printed inside the segment when it is wide enough, such as `G 3`.
    pub text: String,
    pub count: u64,
    /// `#rrggbb`, from the framework (validated for contrast with `text_colour`).
    pub fill: String,
    pub text_colour: String,
}

/// The abbreviations of a key, one per label: initials (`Yes, definitely` → `YD`, `Requires
/// improvement` → `RI`), or numbers when initials repeat.
pub fn abbreviations(labels: &[String]) -> Vec<String> {
    // Of an answer with alternatives ("Not really or not at all"), the first only: `NR`.
    let initials: Vec<String> = labels
        .iter()
        .map(|a| {
            a.split(" or ").next().unwrap_or(a).split(|c: char| !c.is_alphanumeric()).filter_map(|w| w.chars().next()).flat_map(char::to_uppercase).collect()
        })
        .collect();
    let unique = initials.iter().all(|i| !i.is_empty()) && initials.iter().enumerate().all(|(k, i)| !initials[..k].contains(i));
    if unique {
        initials
    } else {
        (1..=labels.len()).map(|n| n.to_string()).collect()
    }
}

fn colour(hex: &str) -> RGBColor {
    let c = crate::colour::Rgb::parse(hex).unwrap_or(crate::colour::Rgb(0x50, 0x5a, 0x5f));
    RGBColor(c.0, c.1, c.2)
}

/// Draws `chart` as SVG text.
pub fn stacked_bars(chart: &StackedChart) -> String {
    let wrapped: Vec<Vec<String>> = chart.rows.iter().map(|r| wrap(&r.label, 28)).collect();
    let heights: Vec<i32> = wrapped.iter().map(|l| BAR_H.max(l.len() as i32 * 22)).collect();
    let body: i32 = heights.iter().sum::<i32>() + BAR_GAP * 2 * (chart.rows.len().saturating_sub(1) as i32);
    let key_h = if chart.key.is_empty() { 0 } else { 52 };
    let height = (TOP + body + AXIS_H + key_h) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        draw_stacked(&root, chart, &wrapped, &heights, body).expect("drawing into a string cannot fail");
        root.present().expect("drawing into a string cannot fail");
    }
    svg
}

fn draw_stacked(
    root: &Area<'_>,
    chart: &StackedChart,
    wrapped: &[Vec<String>],
    heights: &[i32],
    body: i32,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    root.fill(&WHITE)?;
    let font = |size: i32| (FONT_FAMILY, size).into_font().color(&INK);
    // In percent, every bar runs to 100 on ticks of 25.
    let longest = if chart.percent { 100 } else { chart.rows.iter().map(|r| r.segments.iter().map(|s| s.count).sum::<u64>()).max().unwrap_or(0).max(1) };
    // Whole-number ticks at a round step (1, 2, 5, 10, 20, 25, 50…), at most about six of them;
    // the axis runs to the first tick at or beyond the longest bar.
    let wanted = if chart.percent { 25 } else { (longest as f64 / 6.0).ceil().max(1.0) as u64 };
    let step = (0..12)
        .flat_map(|e| [1u64, 2, 5].map(|m| m * 10u64.pow(e)).into_iter().chain((e >= 1).then(|| 25 * 10u64.pow(e - 1))))
        .filter(|s| *s >= wanted)
        .min()
        .unwrap_or(wanted);
    let max = longest.div_ceil(step) * step;
    let x0 = LABEL_W + 10;
    let x1 = WIDTH as i32 - 40;
    let x = |v: f64| x0 + ((x1 - x0) as f64 * v / max as f64).round() as i32;
    let axis_y = TOP + body + 6;
    for tick in (0..=max).step_by(step as usize) {
        let gx = x(tick as f64);
        root.draw(&PathElement::new(vec![(gx, TOP - 4), (gx, axis_y)], GRID.stroke_width(1)))?;
        let label = if chart.percent { format!("{tick}%") } else { tick.to_string() };
        root.draw(&Text::new(label, (gx, axis_y + 4), font(TICK_SIZE).pos(Pos::new(HPos::Center, VPos::Top))))?;
    }

    // A segment's label: its text (`R 14%`) or its key letters alone (`R`), at one size (a
    // smaller size fell under 7 pt in wide charts). One answer is labelled alike in every bar
    // where its segment has room for its key letters: with its figure where every one of them
    // has room for it, else with its key letters (`N 14%` in one bar beside `N` in the next read
    // as two kinds of label). Every labelled segment says which answer it is, not by its colour
    // alone; the table gives every figure.
    let key_of = |t: &str| t.split(' ').next().unwrap_or(t).to_string();
    let candidates = |seg: &Segment| [(seg.text.clone(), SEGMENT_SIZE), (key_of(&seg.text), SEGMENT_SIZE)];
    let widths_of = |row: &StackedRow| -> Vec<i32> {
        let total = row.segments.iter().map(|s| s.count).sum::<u64>().max(1) as f64;
        let pos = |v: u64| if chart.percent { x(100.0 * v as f64 / total) } else { x(v as f64) };
        let mut at = 0u64;
        row.segments
            .iter()
            .map(|s| {
                let w = pos(at + s.count) - pos(at);
                at += s.count;
                w
            })
            .collect()
    };
    let answers = chart.rows.iter().map(|r| r.segments.len()).max().unwrap_or(0);
    let style: Vec<usize> = (0..answers)
        .map(|j| {
            let room: Vec<(i32, &Segment)> = chart
                .rows
                .iter()
                .filter_map(|r| Some((*widths_of(r).get(j)?, r.segments.get(j)?)))
                .filter(|(w, seg)| seg.count > 0 && *w >= text_width(&key_of(&seg.text), SEGMENT_SIZE) + 6)
                .collect();
            (0..2)
                .find(|k| {
                    room.iter().all(|(w, seg)| {
                        *w >= {
                            let (t, size) = &candidates(seg)[*k];
                            text_width(t, *size) + 6
                        }
                    })
                })
                .unwrap_or(1)
        })
        .collect();

    let mut y = TOP;
    for ((row, lines), h) in chart.rows.iter().zip(wrapped).zip(heights) {
        let label_top = y + (h - lines.len() as i32 * 22) / 2;
        for (i, line) in lines.iter().enumerate() {
            root.draw(&Text::new(line.clone(), (LABEL_W, label_top + 11 + i as i32 * 22), font(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center))))?;
        }
        let by = y + (h - BAR_H) / 2;
        let mut at = 0u64;
        let shown: Vec<&Segment> = row.segments.iter().filter(|s| s.count > 0).collect();
        // A bar's length on the axis: its count, or its share of the row in percent.
        let total = row.segments.iter().map(|s| s.count).sum::<u64>().max(1) as f64;
        let pos = |v: u64| if chart.percent { x(100.0 * v as f64 / total) } else { x(v as f64) };
        for (k, seg) in shown.iter().enumerate() {
            let j = row.segments.iter().position(|s| std::ptr::eq(s, *seg)).unwrap_or(0);
            let (sx, ex) = (pos(at), pos(at + seg.count));
            root.draw(&Rectangle::new([(sx, by), (ex, by + BAR_H)], colour(&seg.fill).filled()))?;
            // An outline, so that a pale segment is seen as a segment, not as no bar.
            root.draw(&Rectangle::new([(sx, by), (ex, by + BAR_H)], INK.stroke_width(1)))?;
            // A white edge between segments, so that neighbours of similar colour stay apart; not
            // after the last, whose outline shows where the bar ends.
            if k + 1 < shown.len() {
                root.draw(&PathElement::new(vec![(ex, by), (ex, by + BAR_H)], WHITE.stroke_width(2)))?;
            }
            // Its answer's label (see `style`), where the segment has room for it.
            let chosen = style.get(j).copied().unwrap_or(1);
            let (t, size) = candidates(seg)[chosen..].iter().find(|&(t, size)| ex - sx >= text_width(t, *size) + 6).cloned().unwrap_or_default();
            if !t.is_empty() {
                let style = (FONT_FAMILY, size).into_font().color(&colour(&seg.text_colour)).pos(Pos::new(HPos::Center, VPos::Center));
                root.draw(&Text::new(t, ((sx + ex) / 2, by + BAR_H / 2), style))?;
            }
            at += seg.count;
        }
        y += h + BAR_GAP * 2;
    }

    // The key: a swatch with its abbreviation, then the meaning.
    let mut kx = 20;
    // Clear of the tick labels above it.
    let ky = axis_y + 48;
    for (abbr, meaning, fill, text_colour) in &chart.key {
        let w = text_width(abbr, SEGMENT_SIZE) + 12;
        root.draw(&Rectangle::new([(kx, ky - 13), (kx + w, ky + 13)], colour(fill).filled()))?;
        root.draw(&Rectangle::new([(kx, ky - 13), (kx + w, ky + 13)], INK.stroke_width(1)))?;
        let style = (FONT_FAMILY, SEGMENT_SIZE).into_font().color(&colour(text_colour)).pos(Pos::new(HPos::Center, VPos::Center));
        root.draw(&Text::new(abbr.clone(), (kx + w / 2, ky), style))?;
        root.draw(&Text::new(meaning.clone(), (kx + w + 6, ky), font(TICK_SIZE).pos(Pos::new(HPos::Left, VPos::Center))))?;
        // Measured as drawn: a fixed width per letter let a long meaning run into the next swatch.
        kx += w + 6 + text_width(meaning, TICK_SIZE) + 16;
    }
    Ok(())
}

/// Splits `text` into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    // At spaces only: a no-break space keeps `130 cases` together.
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_names_the_report_font_and_every_label() {
        let chart = BarChart {
            groups: vec![BarGroup {
                label: "Risk of harm to others".into(),
                bars: vec![
                    Bar { name: None, label: "Ynys Môn 76%".into(), value: Some(76.0), emphasis: true, range: None },
                    Bar { name: None, label: "All areas 77%".into(), value: Some(77.2), emphasis: false, range: Some((70.0, 84.0)) },
                ],
            }],
            rooms: None,
        };
        let svg = horizontal_bars(&chart);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Open Sans"));
        assert!(svg.contains("Ynys Môn 76%"));
        assert!(svg.contains("All areas 77%"));
        assert_eq!(svg, horizontal_bars(&chart), "charts are deterministic");
    }

    #[test]
    fn colours_are_legible() {
        use crate::colour::{Rgb, MIN_TEXT_CONTRAST};
        let rgb = |c: RGBColor| Rgb(c.0, c.1, c.2);
        let white = Rgb(255, 255, 255);
        // Every label and tick is INK on white.
        assert!(rgb(INK).contrast(white) >= MIN_TEXT_CONTRAST);
        // Bars carry meaning as graphics: 3:1 against the page (WCAG 1.4.11). Which bar is the
        // area and which the aggregate is said by their labels, not by the two colours.
        for bar in [EMPHASIS, OTHER] {
            assert!(rgb(bar).contrast(white) >= 3.0, "{bar:?}: {:.2}:1", rgb(bar).contrast(white));
        }
    }

    #[test]
    fn key_labels_are_abbreviated_by_initials_unless_they_clash() {
        let a = |xs: &[&str]| abbreviations(&xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(a(&["Yes, definitely", "Yes, reasonably", "Not really"]), ["YD", "YR", "NR"]);
        assert_eq!(a(&["Outstanding", "Good", "Requires improvement", "Inadequate"]), ["O", "G", "RI", "I"]);
        assert_eq!(a(&["Not applicable", "Not asked"]), ["1", "2"]);
        assert_eq!(a(&["Yes, definitely", "Reasonably or some", "Not really or not at all"]), ["YD", "R", "NR"]);
    }

    #[test]
    fn wraps_long_labels() {
        assert_eq!(wrap("Achieving and sustaining outcomes of the work", 20), vec!["Achieving and", "sustaining outcomes", "of the work"]);
        assert_eq!(wrap("", 20), vec![""]);
    }
}
