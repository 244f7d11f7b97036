#include <iostream>
#include <string>
#include <vector>

#include "cli/address_space.h"
#include "cli/tool.h"

int main(int argc, char** argv) {
  ticketlog::cli::FitProcessToAddressSpace();
  std::ios::sync_with_stdio(false);
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return ticketlog::cli::RunTool(args, std::cin, std::cout, std::cerr);
  } catch (...) {
    // Only copying the arguments is left to fail here.
    return ticketlog::cli::ReportException(std::cerr);
  }
}
