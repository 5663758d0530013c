#include "analyzer/hb/process_ends.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "analyzer/hb/fields.hpp"

namespace fluxtrace::hb {

namespace {

constexpr std::uint64_t kFirstFormatWithExit = 4;

struct Image {
    bool judged = false; // its `process` record is of format 4 or later
    bool ended = false;  // an exit or exec record
    std::size_t first = 0, last = 0;
};

} // namespace

std::vector<UnendedProcess> unended_processes(const std::vector<Record> &records) {
    Fields fields;
    std::unordered_map<std::uint64_t, std::size_t> current; // (src, vpid) -> image
    std::vector<Image> images;
    std::vector<const Record *> named; // each image's first record
    for (std::size_t i = 0; i < records.size(); i++) {
        const Record &r = records[i];
        if (!r.is_fluxtrace())
            continue;
        const std::uint64_t key =
            (std::uint64_t{r.src()} << 32) | static_cast<std::uint32_t>(r.vpid());
        auto it = current.find(key);
        if (r.kind() == EventKind::Process || it == current.end()) {
            Image image;
            image.first = i;
            image.judged =
                r.kind() == EventKind::Process &&
                fields.u64(r, field::process::format_version) >= kFirstFormatWithExit;
            it = current.insert_or_assign(key, images.size()).first;
            images.push_back(image);
            named.push_back(&r);
        }
        Image &image = images[it->second];
        image.last = i;
        if (r.kind() == EventKind::Life) {
            const auto op = fields.i64(r, field::life::op);
            // An exec names the caller's pid; a fork child that kept its
            // parent's vpid execs under another pid, and ends nothing here.
            const auto pid = fields.i64(r, field::life::pid);
            if (op == code(LifeOp::Exit) ||
                (op == code(LifeOp::Exec) && (pid <= 0 || pid == r.vpid())))
                image.ended = true;
        }
    }
    std::vector<UnendedProcess> out;
    for (std::size_t k = 0; k < images.size(); k++)
        if (images[k].judged && !images[k].ended)
            out.push_back({named[k]->src(), named[k]->vpid(),
                           std::string(named[k]->procname()), images[k].last});
    return out;
}

std::string describe(const std::vector<UnendedProcess> &unended, std::size_t shown) {
    std::string text;
    for (std::size_t k = 0; k < unended.size() && k < shown; k++)
        text += fmt::format("{}{} (pid {})", k == 0 ? "" : ", ",
                            unended[k].procname.empty() ? "?" : unended[k].procname,
                            unended[k].vpid);
    if (unended.size() > shown)
        text += fmt::format(" and {} more", unended.size() - shown);
    return text;
}

} // namespace fluxtrace::hb
