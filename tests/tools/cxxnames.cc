// SPDX-License-Identifier: GPL-2.0
/*
 * cxxnames: a CPU-bound C++ workload whose hot functions have the names
 * demanglers disagree on: templates (with return types in their mangled
 * names), namespaces, overloads, operators, lambdas, an anonymous
 * namespace, a constructor and a const member function.
 *
 *   cxxnames [ROUNDS]   (default 200)
 */
#include <cstdio>
#include <cstdlib>
#include <functional>

static volatile unsigned long sink;

#define HOT __attribute__((noinline))

/* Inlined into each caller, with its own constant, so no two bodies are alike. */
#define churn(x, n) churn_with(x, n, __LINE__)
static inline __attribute__((always_inline)) unsigned long churn_with(unsigned long x,
								      unsigned long n,
								      unsigned long tag)
{
	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005ul + tag;
	return x;
}

namespace ns {

template <typename T> HOT T spin(T n)
{
	return (T)churn((unsigned long)n, (unsigned long)n);
}

HOT unsigned long over(unsigned long n) { return churn(n, n); }
HOT unsigned long over(unsigned long n, int k) { return churn(n + k, n); }
HOT double over(double d) { return (double)churn((unsigned long)d, (unsigned long)d); }

struct vec {
	unsigned long v;
	HOT explicit vec(unsigned long n) : v(churn(n, n)) {}
	HOT vec operator+(const vec &o) const { return vec(v % 1024 + o.v % 1024 + 300000); }
	HOT bool operator<(const vec &o) const { return churn(v, 300000) < o.v; }
	HOT unsigned long get() const { return churn(v, 300000); }
};

namespace inner {
template <typename A, typename B> struct pair {
	HOT static unsigned long mix(A a, B b) { return churn((unsigned long)a + (unsigned long)b, 300000); }
};
} // namespace inner

} // namespace ns

namespace {
HOT unsigned long hidden(unsigned long n) { return churn(n, n); }
} // namespace

HOT static unsigned long run_lambda(const std::function<unsigned long(unsigned long)> &f,
				    unsigned long n)
{
	return f(n);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	auto lam = [](unsigned long n) HOT { return churn(n ^ 5, n); };

	for (int r = 0; r < rounds; r++) {
		unsigned long n = 300000;

		sink += ns::spin<unsigned long>(n);
		sink += (unsigned long)ns::spin<int>((int)n);
		sink += ns::over(n);
		sink += ns::over(n, r);
		sink += (unsigned long)ns::over((double)n);
		ns::vec a(n), b(n + 1);
		sink += (a + b).v;
		sink += a < b;
		sink += a.get();
		sink += ns::inner::pair<int, long>::mix(r, (long)n);
		sink += hidden(n);
		sink += run_lambda(lam, n);
	}
	printf("%lu\n", (unsigned long)sink);
	return 0;
}
