#pragma once

namespace dlq::cmd {

// The whole program: parse, dispatch, exit code (0, 1, 2, 3 or 130; README "Exit status").
int dlqcat_main(int argc, char** argv);

} // namespace dlq::cmd
