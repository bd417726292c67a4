// Writes the sample reports the browser test and the JUnit schema test read:
//   OUT/sample/{index.html,junit.xml,results.json}   a realistic run (every verdict and area)
//   OUT/hostile/{index.html,junit.xml,results.json}  a run whose target tries to inject code
//   OUT/later/{index.html,junit.xml,results.json}    the realistic target after an upgrade
//   OUT/comparison/{index.html,comparison.json}      `wsspec report sample later`
//   OUT/comparison-hostile/{index.html,comparison.json}  `wsspec report sample hostile later`
// Usage: make_sample_report OUT
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sample_runs.hpp"
#include "wsspec/reports/comparison.hpp"
#include "wsspec/reports/comparison_html.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/junit_xml.hpp"
#include "wsspec/reports/results_json.hpp"
#include "wsspec/reports/results_reader.hpp"

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

// As `wsspec report` does it: the runs read back from their results.json files.
bool write_comparison(const std::filesystem::path& dir,
                      const std::vector<std::filesystem::path>& results) {
  std::vector<wsspec::compared_run> runs;
  for (const auto& file : results) {
    wsspec::compared_run r;
    r.source = file.parent_path().filename().string() + "/results.json";
    wsspec::results_error err;
    if (!wsspec::read_results_file(file, r.run, err)) {
      std::cerr << "make_sample_report: " << err.to_string() << "\n";
      return false;
    }
    runs.push_back(std::move(r));
  }
  const wsspec::comparison c = wsspec::compare_runs(std::move(runs));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return write(dir / "index.html", wsspec::render_comparison_html(c, "0.1.0")) &&
         write(dir / "comparison.json", wsspec::to_json(c, "0.1.0").dump(2) + "\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_sample_report OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  if (!write_run(out / "sample", wsspec::sample::realistic_run()) ||
      !write_run(out / "hostile", wsspec::sample::hostile_run()) ||
      !write_run(out / "later", wsspec::sample::realistic_run_later())) {
    return 1;
  }
  if (!write_comparison(out / "comparison",
                        {out / "sample" / "results.json", out / "later" / "results.json"}) ||
      !write_comparison(out / "comparison-hostile",
                        {out / "sample" / "results.json", out / "hostile" / "results.json",
                         out / "later" / "results.json"})) {
    return 1;
  }
  std::cout << "wrote " << (out / "sample").string() << ", " << (out / "hostile").string() << ", "
            << (out / "later").string() << " and their comparisons\n";
  return 0;
}
