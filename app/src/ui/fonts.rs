//! Fonts and text size for every egui context the product creates: the real window and each UI
//! test harness call [`install`], so Chinese renders the same in both.
//!
//! The bundled "Zhibu Sans SC" (a renamed common-use subset of Noto Sans CJK SC, OFL 1.1, licence
//! in `app/assets/fonts/OFL.txt`) follows egui's own Latin fonts; characters it lacks (a rare name
//! character) fall through to eframe's system-font provider in the real window.

use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};
use egui::{FontFamily, TextStyle};

/// The bundled CJK subset (see `scripts/make-font.py`).
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/ZhibuSansSC-Subset.otf");
/// The font's licence, shipped next to the program in release archives.
pub const CJK_FONT_LICENCE: &str = include_str!("../../assets/fonts/OFL.txt");
/// egui's default sizes times this: office screens are read from arm's length by people of all ages.
pub const TEXT_SCALE: f32 = 1.25;

/// Adds the CJK font to both families and enlarges every text style by [`TEXT_SCALE`].
pub fn install(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "ZhibuSansSC",
        FontData::from_static(CJK_FONT),
        vec![
            InsertFontFamily { family: FontFamily::Proportional, priority: FontPriority::Lowest },
            InsertFontFamily { family: FontFamily::Monospace, priority: FontPriority::Lowest },
        ],
    ));
    ctx.all_styles_mut(|style| {
        let base = egui::Style::default();
        for (text_style, font) in style.text_styles.iter_mut() {
            if let Some(default) = base.text_styles.get(text_style) {
                font.size = default.size * TEXT_SCALE;
            }
        }
        style.spacing.interact_size.y = style.spacing.interact_size.y.max(text_height(&style.text_styles) + 6.0);
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
    });
}

fn text_height(styles: &std::collections::BTreeMap<TextStyle, egui::FontId>) -> f32 {
    styles.get(&TextStyle::Body).map_or(16.0, |f| f.size)
}
