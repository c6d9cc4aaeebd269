/** The lines libtensorflow 2.21 prints at load time whatever TF_CPP_MIN_LOG_LEVEL says. */
const NOISE = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^I\d{4} [\d:. ]+\s+\d+ (port\.cc|cpu_feature_guard\.cc):\d+\] /,
  /^To enable the following instructions: .* rebuild TensorFlow with the appropriate compiler flags\.$/,
];

export function isLibtensorflowStartupNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}
