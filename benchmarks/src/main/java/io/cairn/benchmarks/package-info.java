/** The benchmark runner: every suite in one run, and the report (results.json, a ratio table, charts). */
package io.cairn.benchmarks;
