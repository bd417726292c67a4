#include <cstdio>
int main() { std::puts("wsspec 0.1.0"); return 0; }
