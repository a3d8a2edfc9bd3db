//! Small drawing helpers the screens share: labelled fields (every input has an accessible
//! name), the year picker, coloured status text and the PNG writer for screenshots.

use super::command::Command;
use egui::{Response, Ui};

/// Salt of the search box id; Ctrl+F focuses `Id::new(SEARCH_ID).with(screen)`.
pub const SEARCH_ID: &str = "search";

/// A label and a one-line text box in a two-column grid row; the box is named by the label.
pub fn field_ui(ui: &mut Ui, label: &str, value: &mut String) -> Response {
    let label = ui.label(label);
    let response = ui.add(egui::TextEdit::singleline(value).desired_width(260.0)).labelled_by(label.id);
    ui.end_row();
    response
}

/// Like [`field_ui`] with a hint shown while the box is empty.
pub fn hinted_field_ui(ui: &mut Ui, label: &str, value: &mut String, hint: &str) -> Response {
    let label = ui.label(label);
    let response = ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(260.0)).labelled_by(label.id);
    ui.end_row();
    response
}

/// A label and a multi-line text box in a grid row.
pub fn multiline_ui(ui: &mut Ui, label: &str, value: &mut String) -> Response {
    let label = ui.label(label);
    let response = ui.add(egui::TextEdit::multiline(value).desired_rows(3).desired_width(420.0)).labelled_by(label.id);
    ui.end_row();
    response
}

/// A labelled whole-number box.
pub fn number_ui(ui: &mut Ui, label: &str, value: &mut u32) -> Response {
    let label = ui.label(label);
    ui.add(egui::DragValue::new(value).range(0..=100_000)).labelled_by(label.id)
}

/// A combo box choosing one of `options` (value, text), named by `label`.
pub fn choice_ui<T: PartialEq + Copy>(ui: &mut Ui, label: &str, value: &mut T, options: &[(T, String)]) -> bool {
    let text = options.iter().find(|(v, _)| v == value).map_or_else(String::new, |(_, t)| t.clone());
    let mut changed = false;
    let label_response = ui.label(label);
    egui::ComboBox::from_id_salt(label)
        .selected_text(text)
        .width(260.0)
        .show_ui(ui, |ui| {
            for (option, text) in options {
                changed |= ui.selectable_value(value, *option, text).changed();
            }
        })
        .response
        .labelled_by(label_response.id);
    ui.end_row();
    changed
}

/// The year the screens show, with buttons for the previous and next year.
pub fn year_picker_ui(ui: &mut Ui, year: i32, commands: &mut Vec<Command>) {
    if ui.button("◀").on_hover_text("上一年").clicked() {
        commands.push(Command::SetYear(year - 1));
    }
    ui.label(format!("{year}年度"));
    if ui.button("▶").on_hover_text("下一年").clicked() {
        commands.push(Command::SetYear(year + 1));
    }
}

/// Text in the theme's error colour.
pub fn error_text_ui(ui: &mut Ui, text: &str) {
    ui.colored_label(ui.visuals().error_fg_color, text);
}

/// Text in the theme's warning colour.
pub fn warning_text_ui(ui: &mut Ui, text: &str) {
    ui.colored_label(ui.visuals().warn_fg_color, text);
}

/// Writes 8-bit RGBA pixels as a PNG file.
pub fn write_png(path: &std::path::Path, width: u32, height: u32, rgba: &[u8]) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer.write_image_data(rgba).map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)
}

/// Saves a screenshot as PNG (creating its folder).
pub(super) fn save_color_image(path: &std::path::Path, image: &egui::ColorImage) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let [width, height] = image.size;
    let mut rgba = Vec::with_capacity(width * height * 4);
    for pixel in &image.pixels {
        rgba.extend_from_slice(&pixel.to_array());
    }
    write_png(path, width as u32, height as u32, &rgba)
}
