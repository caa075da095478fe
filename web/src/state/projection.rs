//! Data ↔ SVG: where a value is drawn, and which value a pointer position means.

/// How values are spaced along the vertical axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Equal steps of value are equal steps on screen.
    Linear,
    /// Height grows with the square root of the value: small probabilities stay visible next to a
    /// dominant one, and the scale never has to change while a bar is dragged.
    Sqrt,
}

/// Maps values in `[0, max]` to heights between a bottom and a top y (SVG y grows downward).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerticalProjection {
    /// The largest value, drawn at `top`.
    pub max: f64,
    /// y of the value 0.
    pub bottom: f64,
    /// y of the value `max`.
    pub top: f64,
    /// The spacing.
    pub scale: Scale,
}

impl VerticalProjection {
    /// The y at which `value` is drawn; values outside `[0, max]` are clamped.
    pub fn to_y(&self, value: f64) -> f64 {
        let fraction = (value / self.max).clamp(0.0, 1.0);
        let fraction = if fraction.is_nan() { 0.0 } else { fraction };
        let height = match self.scale {
            Scale::Linear => fraction,
            Scale::Sqrt => fraction.sqrt(),
        };
        self.bottom - height * (self.bottom - self.top)
    }

    /// The value drawn at `y`: the inverse of [`VerticalProjection::to_y`], clamped to `[0, max]`.
    pub fn from_y(&self, y: f64) -> f64 {
        let height = ((self.bottom - y) / (self.bottom - self.top)).clamp(0.0, 1.0);
        let height = if height.is_nan() { 0.0 } else { height };
        let fraction = match self.scale {
            Scale::Linear => height,
            Scale::Sqrt => height * height,
        };
        fraction * self.max
    }
}

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

    fn projections() -> [VerticalProjection; 2] {
        [Scale::Linear, Scale::Sqrt].map(|scale| VerticalProjection { max: 1.0, bottom: 200.0, top: 10.0, scale })
    }

    #[test]
    fn ends_map_to_ends() {
        for p in projections() {
            assert_eq!(p.to_y(0.0), 200.0);
            assert_eq!(p.to_y(1.0), 10.0);
            assert_eq!(p.from_y(200.0), 0.0);
            assert_eq!(p.from_y(10.0), 1.0);
        }
    }

    #[test]
    fn from_y_inverts_to_y() {
        for p in projections() {
            for i in 0..=100 {
                let v = f64::from(i) / 100.0;
                assert!((p.from_y(p.to_y(v)) - v).abs() < 1e-12, "{:?} at {v}", p.scale);
            }
        }
    }

    #[test]
    fn out_of_range_is_clamped() {
        for p in projections() {
            assert_eq!(p.to_y(-3.0), 200.0);
            assert_eq!(p.to_y(7.0), 10.0);
            assert_eq!(p.to_y(f64::NAN), 200.0);
            assert_eq!(p.from_y(500.0), 0.0);
            assert_eq!(p.from_y(-50.0), 1.0);
        }
    }

    #[test]
    fn sqrt_lifts_small_values() {
        let [linear, sqrt] = projections();
        assert!(sqrt.to_y(0.04) < linear.to_y(0.04));
        assert!((sqrt.to_y(0.25) - (200.0 - 0.5 * 190.0)).abs() < 1e-9);
    }

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
    /// The vertical scale.
    pub values: VerticalProjection,
}

impl BarChart {
    /// The bar of slot `i` for `value`, standing on the baseline.
    pub fn bar(&self, i: usize, value: f64) -> Rect {
        let y = self.values.to_y(value);
        Rect { x: self.bands.bar_x(i), y, width: self.bands.bar_width(), height: self.values.bottom - y }
    }

    /// The whole column of slot `i`, for hit-testing a drag.
    pub fn column(&self, i: usize) -> Rect {
        Rect {
            x: self.bands.left + self.bands.slot() * i as f64,
            y: self.values.top,
            width: self.bands.slot(),
            height: self.values.bottom - self.values.top,
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
            .map(|(i, &v)| format!("{:.1},{:.1}", self.bands.center(i), self.values.to_y(v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod chart_tests {
    use super::*;

    const CHART: BarChart = BarChart {
        bands: BandLayout { n: 4, left: 0.0, right: 400.0, fill: 0.5 },
        values: VerticalProjection { max: 1.0, bottom: 100.0, top: 0.0, scale: Scale::Linear },
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
