// Writes the sample reports the browser test and the JUnit schema test read:
//   OUT/sample/{index.html,junit.xml,results.json}   a realistic run (every verdict and area)
//   OUT/hostile/{index.html,junit.xml,results.json}  a run whose target tries to inject code
// Usage: make_sample_report OUT
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "sample_runs.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/junit_xml.hpp"
#include "wsspec/reports/results_json.hpp"

namespace {

bool write(const std::filesystem::path& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
  f.close();
  if (!f) {
    std::cerr << "make_sample_report: cannot write " << path << "\n";
    return false;
  }
  return true;
}

bool write_run(const std::filesystem::path& dir, const wsspec::run_summary& run) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "make_sample_report: cannot create " << dir << ": " << ec.message() << "\n";
    return false;
  }
  const std::string json =
      wsspec::to_json(run).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return write(dir / "index.html", wsspec::render_html(run)) &&
         write(dir / "junit.xml", wsspec::render_junit(run)) && write(dir / "results.json", json);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_sample_report OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  if (!write_run(out / "sample", wsspec::sample::realistic_run()) ||
      !write_run(out / "hostile", wsspec::sample::hostile_run())) {
    return 1;
  }
  std::cout << "wrote " << (out / "sample").string() << " and " << (out / "hostile").string()
            << "\n";
  return 0;
}
