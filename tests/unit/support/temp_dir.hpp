// A fresh directory under the system temp directory, removed with everything in it at the end.
#pragma once

#include "core/crypto.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <system_error>

namespace authd::test {

class temp_dir {
public:
    temp_dir()
    {
        std::array<std::uint8_t, 8> suffix{};
        crypto::random_bytes(suffix);
        path_ = std::filesystem::temp_directory_path() / ("authd-unit-" + crypto::hex_encode(suffix));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace authd::test
