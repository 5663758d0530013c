#include "text_table.hpp"

#include "analyzer/printable.hpp"

#include <algorithm>
#include <stdexcept>

namespace fluxtrace::latency {

namespace {

size_t display_width(const std::string &s) {
    size_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xc0) != 0x80)
            n++;
    return n;
}

} // namespace

void TextTable::add_row(std::vector<std::string> cells) {
    if (cells.size() > columns_.size())
        throw std::invalid_argument("table row has " + std::to_string(cells.size()) +
                                    " cells for " + std::to_string(columns_.size()) +
                                    " columns");
    cells.resize(columns_.size());
    // Cells hold topics and function names from the trace: no control
    // character reaches the terminal or breaks the table's lines.
    for (auto &c : cells)
        c = printable(c);
    rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream &out, const std::string &indent) const {
    std::vector<size_t> width(columns_.size());
    for (size_t c = 0; c < columns_.size(); c++) {
        width[c] = display_width(columns_[c].header);
        for (const auto &row : rows_)
            width[c] = std::max(width[c], display_width(row[c]));
    }
    const auto line = [&](const auto &cell_of) {
        std::string text = indent;
        for (size_t c = 0; c < columns_.size(); c++) {
            const std::string &cell = cell_of(c);
            const std::string pad(width[c] - display_width(cell), ' ');
            if (c > 0)
                text += "  ";
            text += columns_[c].align == Align::Right ? pad + cell : cell + pad;
        }
        while (!text.empty() && text.back() == ' ')
            text.pop_back();
        out << text << '\n';
    };
    line([&](size_t c) -> const std::string & { return columns_[c].header; });
    for (const auto &row : rows_)
        line([&](size_t c) -> const std::string & { return row[c]; });
}

} // namespace fluxtrace::latency
