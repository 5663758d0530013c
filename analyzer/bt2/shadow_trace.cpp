#include "shadow_trace.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace fluxtrace::bt2 {

namespace fs = std::filesystem;

namespace {

std::string make_temp_dir() {
    const char *tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/fluxtrace-shadow-XXXXXX";
    if (!mkdtemp(templ.data()))
        throw std::system_error(errno, std::generic_category(),
                                "cannot create a temporary directory like " + templ);
    return templ;
}

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0)
            close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

[[noreturn]] void fail(const std::string &what) {
    throw std::system_error(errno, std::generic_category(), what);
}

// Bytes [begin, end) of `from`, copied in the kernel (a reflink where the file
// system can) so large stream files cost little.
void copy_range(const fs::path &from, const fs::path &to, std::uint64_t begin,
                std::uint64_t end) {
    const Fd in(open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0)
        fail("cannot open " + from.string());
    const Fd out(open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0)
        fail("cannot create " + to.string());
    auto offset = static_cast<off_t>(begin);
    for (std::uint64_t left = end - begin; left > 0;) {
        const ssize_t n = copy_file_range(in.get(), &offset, out.get(), nullptr, left, 0);
        if (n > 0) {
            left -= static_cast<std::uint64_t>(n);
            continue;
        }
        if (n == 0)
            break; // the file is shorter than its index said
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
            fail("cannot copy " + from.string());
        // Kernels and file systems that cannot: copy through a buffer.
        char buf[1 << 16];
        while (left > 0) {
            const ssize_t r =
                pread(in.get(), buf, std::min<std::uint64_t>(left, sizeof buf), offset);
            if (r < 0)
                fail("cannot read " + from.string());
            if (r == 0)
                return;
            if (write(out.get(), buf, static_cast<size_t>(r)) != r)
                fail("cannot write " + to.string());
            offset += r;
            left -= static_cast<std::uint64_t>(r);
        }
    }
}

} // namespace

ShadowTrace::ShadowTrace(const std::string &trace_dir, const std::vector<File> &files)
    : dir_(make_temp_dir()) {
    try {
        const fs::path src = fs::absolute(trace_dir);
        const fs::path dst(dir_);
        fs::create_symlink(src / "metadata", dst / "metadata");
        for (const auto &f : files) {
            if (!f.whole) {
                // No index: src.ctf.fs indexes a cut file by reading its packets.
                copy_range(src / f.name, dst / f.name, f.begin, f.end);
                continue;
            }
            fs::create_symlink(src / f.name, dst / f.name);
            const auto index = src / "index" / (f.name + ".idx");
            if (fs::exists(index)) {
                fs::create_directories(dst / "index");
                fs::create_symlink(index, dst / "index" / (f.name + ".idx"));
            }
        }
    } catch (...) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw;
    }
}

ShadowTrace::~ShadowTrace() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

} // namespace fluxtrace::bt2
