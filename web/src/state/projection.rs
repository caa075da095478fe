//! Data ↔ SVG: where a bar is drawn, and which value a pointer position means.

use crate::state::axes::Axis;

/// `n` equal slots side by side between `left` and `right`, each with a bar in its middle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandLayout {
    /// How many slots.
    pub n: usize,
    /// x of the first slot's left edge.
    pub left: f64,
    /// x of the last slot's right edge.
    pub right: f64,
    /// The share of a slot its bar fills, in (0, 1].
    pub fill: f64,
}

impl BandLayout {
    /// The width of one slot.
    pub fn slot(&self) -> f64 {
        (self.right - self.left) / self.n.max(1) as f64
    }

    /// The width of one bar.
    pub fn bar_width(&self) -> f64 {
        self.slot() * self.fill
    }

    /// x of the left edge of bar `i`.
    pub fn bar_x(&self, i: usize) -> f64 {
        self.left + self.slot() * i as f64 + (self.slot() - self.bar_width()) / 2.0
    }

    /// x of the centre of slot `i`.
    pub fn center(&self, i: usize) -> f64 {
        self.left + self.slot() * (i as f64 + 0.5)
    }
}

/// Converts a pointer position on screen to the SVG's own coordinates, given where the SVG's
/// bounding box is and its viewBox size (the SVG scales uniformly to fit its box).
pub fn client_to_svg(client: (f64, f64), rect: (f64, f64, f64, f64), view: (f64, f64)) -> (f64, f64) {
    let (left, top, width, height) = rect;
    let sx = if width > 0.0 { view.0 / width } else { 1.0 };
    let sy = if height > 0.0 { view.1 / height } else { 1.0 };
    ((client.0 - left) * sx, (client.1 - top) * sy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_tile_the_width() {
        let layout = BandLayout { n: 27, left: 30.0, right: 570.0, fill: 0.7 };
        assert!((layout.slot() - 20.0).abs() < 1e-12);
        assert!((layout.bar_x(0) - 33.0).abs() < 1e-12);
        assert!((layout.center(26) - 560.0).abs() < 1e-12);
    }

    #[test]
    fn client_points_map_into_the_view_box() {
        // A 600×300 viewBox drawn at 300×150 pixels, 10 px from the left and 20 from the top.
        let p = client_to_svg((160.0, 95.0), (10.0, 20.0, 300.0, 150.0), (600.0, 300.0));
        assert_eq!(p, (300.0, 150.0));
        assert_eq!(client_to_svg((5.0, 5.0), (0.0, 0.0, 0.0, 0.0), (600.0, 300.0)), (5.0, 5.0));
    }
}

/// A rectangle in SVG coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge, in the SVG's units.
    pub x: f64,
    /// Top edge (y grows downward).
    pub y: f64,
    /// Extent to the right of `x`.
    pub width: f64,
    /// Extent below `y`.
    pub height: f64,
}

/// A bar chart: slots across, values up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BarChart {
    /// The horizontal slots.
    pub bands: BandLayout,
    /// The vertical scale: its `start` is the baseline.
    pub values: Axis,
}

impl BarChart {
    /// The bar of slot `i` for `value`, standing on the baseline.
    pub fn bar(&self, i: usize, value: f64) -> Rect {
        let y = self.values.at(value);
        Rect { x: self.bands.bar_x(i), y, width: self.bands.bar_width(), height: self.values.start - y }
    }

    /// The whole column of slot `i`, for hit-testing a drag.
    pub fn column(&self, i: usize) -> Rect {
        Rect {
            x: self.bands.left + self.bands.slot() * i as f64,
            y: self.values.end,
            width: self.bands.slot(),
            height: self.values.start - self.values.end,
        }
    }

    /// A short horizontal tick over slot `i` at `value`: (x1, x2, y).
    pub fn tick(&self, i: usize, value: f64) -> (f64, f64, f64) {
        let bar = self.bar(i, value);
        (bar.x - 2.0, bar.x + bar.width + 2.0, bar.y)
    }

    /// A polyline through the centres of the slots at the given values.
    pub fn polyline(&self, values: &[f64]) -> String {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| format!("{:.1},{:.1}", self.bands.center(i), self.values.at(v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod chart_tests {
    use super::*;
    use crate::state::axes::Spacing;

    const CHART: BarChart = BarChart {
        bands: BandLayout { n: 4, left: 0.0, right: 400.0, fill: 0.5 },
        values: Axis { min: 0.0, max: 1.0, start: 100.0, end: 0.0, spacing: Spacing::Linear },
    };

    #[test]
    fn bars_stand_on_the_baseline() {
        assert_eq!(CHART.bar(1, 0.25), Rect { x: 125.0, y: 75.0, width: 50.0, height: 25.0 });
        assert_eq!(CHART.bar(0, 0.0).height, 0.0);
        assert_eq!(CHART.column(3), Rect { x: 300.0, y: 0.0, width: 100.0, height: 100.0 });
        assert_eq!(CHART.tick(1, 0.5), (123.0, 177.0, 50.0));
    }

    #[test]
    fn polylines_pass_through_slot_centres() {
        assert_eq!(CHART.polyline(&[0.0, 1.0]), "50.0,100.0 150.0,0.0");
    }
}
