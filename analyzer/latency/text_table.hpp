// A plain-text table with aligned columns, for reports:
//
//     TextTable t({{"topic", Align::Left}, {"count", Align::Right}});
//     t.add_row({"kvs.lookup", "12"});
//     t.print(out, "  ");
//
//     topic       count
//     kvs.lookup     12
//
// Widths count bytes, except that UTF-8 continuation bytes are not counted.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fluxtrace::latency {

enum class Align { Left, Right };

struct Column {
    std::string header;
    Align align = Align::Left;
};

class TextTable {
  public:
    explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

    // Missing cells are blank; extra cells are an error (std::invalid_argument).
    void add_row(std::vector<std::string> cells);
    size_t row_count() const { return rows_.size(); }

    // Every line starts with `indent`; columns are two spaces apart, and no
    // line ends in a space.
    void print(std::ostream &out, const std::string &indent = "") const;

  private:
    std::vector<Column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

} // namespace fluxtrace::latency
