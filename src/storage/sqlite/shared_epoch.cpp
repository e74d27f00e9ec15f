#include "storage/sqlite/shared_epoch.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace authd::storage::sqlite {
namespace {

constexpr std::size_t mapping_size = 4096;
// The counters live at the start of the mapping; lock-free 64-bit atomics work across processes.
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

constexpr std::size_t slot_size = 64;  // a cache line each: the counters do not share one

std::atomic<std::uint64_t>& counter(void* mapping, shared_epoch::slot which)
{
    auto* base = static_cast<unsigned char*>(mapping) + static_cast<std::size_t>(which) * slot_size;
    return *reinterpret_cast<std::atomic<std::uint64_t>*>(base);  // NOLINT: a shared mapping
}

}  // namespace

std::unique_ptr<shared_epoch> shared_epoch::open(const std::string& database_path, std::string& error,
                                                 slot which)
{
    const std::string path = database_path + "-authd-epoch";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = "cannot open " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    struct stat info {};
    // A new file is zero-filled by ftruncate: the counter starts at 0.
    if (::fstat(fd, &info) != 0 ||
        (static_cast<std::size_t>(info.st_size) < mapping_size && ::ftruncate(fd, mapping_size) != 0)) {
        error = "cannot size " + path + ": " + std::strerror(errno);
        ::close(fd);
        return nullptr;
    }
    void* mapping = ::mmap(nullptr, mapping_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (mapping == MAP_FAILED) {
        error = "cannot map " + path + ": " + std::strerror(errno);
        return nullptr;
    }
    return std::unique_ptr<shared_epoch>(new shared_epoch(mapping, which));
}

shared_epoch::~shared_epoch()
{
    ::munmap(mapping_, mapping_size);
}

std::uint64_t shared_epoch::current() const noexcept
{
    return counter(mapping_, slot_).load();
}

void shared_epoch::advance() noexcept
{
    counter(mapping_, slot_).fetch_add(1);
}

}  // namespace authd::storage::sqlite
