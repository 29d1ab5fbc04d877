#include "cli/options.hpp"

#include <cstdlib>

#include "policy/units.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {

ParsedCommand parse_command(const std::vector<std::string>& args, const po::options_description& table,
                            bool operands_end_options) {
  ParsedCommand out;
  std::vector<std::string> options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.operands.insert(out.operands.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() > 2 && a.starts_with("--")) {
      std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
      const po::option_description* d = table.find_nothrow(name, false, false, false);
      if (d == nullptr) throw UsageError("unknown option '--" + name + "'");
      options.push_back(a);
      bool takes_value = d->semantic()->max_tokens() > 0;
      if (takes_value && a.find('=') == std::string::npos) {
        if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value");
        options.push_back(args[++i]);
      } else if (!takes_value && a.find('=') != std::string::npos) {
        throw UsageError("--" + name + " takes no value");
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-') throw UsageError("unknown option '" + a + "'");
    if (operands_end_options) {
      out.operands.insert(out.operands.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    out.operands.push_back(a);
  }
  // Long options only, written in full.
  const int style = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                    po::command_line_style::long_allow_next;
  try {
    po::store(po::command_line_parser(options).options(table).style(style).run(), out.options);
    po::notify(out.options);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return out;
}

namespace {

// A limit option: the policy's value is overridden.
template <typename T, typename Parse>
void limit_option(const po::variables_map& vm, const char* option, std::optional<T>& limit, Parse parse) {
  auto v = opt_value<std::string>(vm, option);
  if (!v) return;
  try {
    limit = parse(*v);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--") + option + ": " + e.what());
  }
}

}  // namespace

void limit_options(const po::variables_map& vm, Limits& limits) {
  limit_option(vm, "cpu-time", limits.cpu_time_s, policy::parse_duration);
  limit_option(vm, "wall-time", limits.wall_time_s, policy::parse_duration);
  limit_option(vm, "memory", limits.memory, policy::parse_size);
  limit_option(vm, "output", limits.output, policy::parse_size);
  limit_option(vm, "file-size", limits.file_size, policy::parse_size);
  limit_option(vm, "stack", limits.stack, policy::parse_size);
  limit_option(vm, "processes", limits.processes, policy::parse_count);
  limit_option(vm, "open-files", limits.open_files, policy::parse_count);
}

bool cgroups_wanted(const po::variables_map& vm) {
  const char* no = std::getenv("SYSGATE_NO_CGROUPS");
  return vm.count("no-cgroups") == 0 && !(no != nullptr && *no != '\0' && std::string(no) != "0");
}

}  // namespace sysgate::cli
