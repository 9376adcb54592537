// SPDX-License-Identifier: GPL-2.0
/* The unit suite: each test a function, listed in tests[]. */
#include <stdio.h>
#include <string.h>

#include "tests/unit/unit.h"

int unit_failures;

void test_symtab_aliases(void);
void test_symtab_lookup(void);
void test_symtab_sort_stable(void);
void test_symtab_lookup_index(void);
void test_symtab_find_slots(void);
void test_symtab_model(void);
void test_symtab_layout(void);
void test_kallsyms_hex(void);
void test_kallsyms_split(void);
void test_kallsyms_lazy(void);
void test_kallsyms_lazy_threads(void);
void test_kallsyms_lazy_batch(void);
void test_symtab_join_peak(void);
void test_symtab_split_room(void);
void test_symtab_build_faults(void);
void test_prefault_write(void);
void test_huge_alloc(void);
void test_kallsyms_parse(void);
void test_kallsyms_hostile(void);
void test_modules_parse(void);
void test_sort_parse(void);
void test_hists_regroup(void);
void test_callchain_merge(void);
void test_callchain_memory(void);
void test_callchain_wide(void);
void test_callchain_decay_compacts(void);
void test_callchain_wide_samples(void);
void test_callchain_big_counts(void);
void test_hists_grouping(void);
void test_comm_vcpu(void);
void test_hists_same_name_dsos(void);
void test_hists_adversarial_keys(void);
void test_hists_row_cache(void);
void test_kernel_beside(void);
void test_hists_sort_scratch(void);
void test_hists_sort_prefix(void);
void test_hists_decay_reuse(void);
void test_hists_rows_made(void);
void test_hists_mode_split(void);
void test_hists_row_layout(void);
void test_hists_row_chunks(void);
void test_hists_row_areas(void);
void test_hists_print_formats(void);
void test_gunzip_buf(void);
void test_sort_runs(void);
void test_round_u64(void);
void test_json_double(void);
void test_utf8_clean(void);
void test_u64_index(void);
void test_str_set(void);
void test_sort_u64(void);
void test_introsort(void);
void test_dlib(void);
void test_resolve_cache(void);
void test_resolve_callchain_cache(void);
void test_maps_overlay(void);
void test_maps_insert_find(void);
void test_thread_hash(void);
void test_dso_names(void);
void test_special_names(void);
void test_guest_files(void);
void test_guest_files_round_trip(void);
void test_elf_abs_symbols(void);
void test_elf_object_symbols(void);
void test_folded_names(void);
void test_folded_stacks(void);
void test_demangle_names(void);
void test_time_ranges(void);
void test_time_skip(void);
void test_filter_lists(void);
void test_output_fields(void);
void test_options_kinds(void);
void test_options_forms(void);
void test_buf(void);
void test_read_values(void);
void test_event_names(void);
void test_sample_parse(void);
void test_trailer_parse(void);
void test_evsel_id_hash(void);
void test_evsel_live(void);
void test_evlist_find_evsel(void);
void test_rbreader_process(void);
void test_header_round_trip(void);
void test_header_write_nothing(void);
void test_header_read_malformed(void);
void test_header_build_id_model(void);
void test_writer_new_fails(void);
void test_replay_pacing(void);
void test_session_order_rounds(void);
void test_session_order_no_rounds(void);
void test_session_order_late(void);
void test_session_order_no_sample_id_all(void);
void test_err_type(void);
void test_trace_event_parse(void);
void test_guestmem_errors(void);
void test_decompress_large_payload(void);

static const struct unit_test tests[] = {
	{ "symtab_aliases", test_symtab_aliases },
	{ "symtab_lookup", test_symtab_lookup },
	{ "symtab_sort_stable", test_symtab_sort_stable },
	{ "symtab_lookup_index", test_symtab_lookup_index },
	{ "symtab_find_slots", test_symtab_find_slots },
	{ "symtab_model", test_symtab_model },
	{ "symtab_layout", test_symtab_layout },
	{ "kallsyms_hex", test_kallsyms_hex },
	{ "kallsyms_split", test_kallsyms_split },
	{ "kallsyms_lazy", test_kallsyms_lazy },
	{ "kallsyms_lazy_threads", test_kallsyms_lazy_threads },
	{ "kallsyms_lazy_batch", test_kallsyms_lazy_batch },
	{ "symtab_join_peak", test_symtab_join_peak },
	{ "symtab_split_room", test_symtab_split_room },
	{ "symtab_build_faults", test_symtab_build_faults },
	{ "prefault_write", test_prefault_write },
	{ "huge_alloc", test_huge_alloc },
	{ "kallsyms_parse", test_kallsyms_parse },
	{ "kallsyms_hostile", test_kallsyms_hostile },
	{ "modules_parse", test_modules_parse },
	{ "sort_parse", test_sort_parse },
	{ "hists_regroup", test_hists_regroup },
	{ "callchain_merge", test_callchain_merge },
	{ "callchain_memory", test_callchain_memory },
	{ "callchain_wide", test_callchain_wide },
	{ "callchain_decay_compacts", test_callchain_decay_compacts },
	{ "callchain_wide_samples", test_callchain_wide_samples },
	{ "callchain_big_counts", test_callchain_big_counts },
	{ "hists_grouping", test_hists_grouping },
	{ "comm_vcpu", test_comm_vcpu },
	{ "hists_same_name_dsos", test_hists_same_name_dsos },
	{ "hists_adversarial_keys", test_hists_adversarial_keys },
	{ "hists_row_cache", test_hists_row_cache },
	{ "kernel_beside", test_kernel_beside },
	{ "hists_sort_scratch", test_hists_sort_scratch },
	{ "hists_sort_prefix", test_hists_sort_prefix },
	{ "hists_decay_reuse", test_hists_decay_reuse },
	{ "hists_rows_made", test_hists_rows_made },
	{ "hists_mode_split", test_hists_mode_split },
	{ "hists_row_layout", test_hists_row_layout },
	{ "hists_row_chunks", test_hists_row_chunks },
	{ "hists_row_areas", test_hists_row_areas },
	{ "hists_print_formats", test_hists_print_formats },
	{ "gunzip_buf", test_gunzip_buf },
	{ "sort_runs", test_sort_runs },
	{ "round_u64", test_round_u64 },
	{ "json_double", test_json_double },
	{ "utf8_clean", test_utf8_clean },
	{ "u64_index", test_u64_index },
	{ "str_set", test_str_set },
	{ "sort_u64", test_sort_u64 },
	{ "introsort", test_introsort },
	{ "dlib", test_dlib },
	{ "resolve_cache", test_resolve_cache },
	{ "resolve_callchain_cache", test_resolve_callchain_cache },
	{ "folded_names", test_folded_names },
	{ "folded_stacks", test_folded_stacks },
	{ "time_ranges", test_time_ranges },
	{ "time_skip", test_time_skip },
	{ "filter_lists", test_filter_lists },
	{ "output_fields", test_output_fields },
	{ "maps_overlay", test_maps_overlay },
	{ "maps_insert_find", test_maps_insert_find },
	{ "thread_hash", test_thread_hash },
	{ "dso_names", test_dso_names },
	{ "special_names", test_special_names },
	{ "guest_files", test_guest_files },
	{ "guest_files_round_trip", test_guest_files_round_trip },
	{ "elf_abs_symbols", test_elf_abs_symbols },
	{ "elf_object_symbols", test_elf_object_symbols },
	{ "demangle_names", test_demangle_names },
	{ "options_kinds", test_options_kinds },
	{ "options_forms", test_options_forms },
	{ "buf", test_buf },
	{ "read_values", test_read_values },
	{ "event_names", test_event_names },
	{ "sample_parse", test_sample_parse },
	{ "trailer_parse", test_trailer_parse },
	{ "evsel_id_hash", test_evsel_id_hash },
	{ "evsel_live", test_evsel_live },
	{ "evlist_find_evsel", test_evlist_find_evsel },
	{ "rbreader_process", test_rbreader_process },
	{ "header_round_trip", test_header_round_trip },
	{ "header_write_nothing", test_header_write_nothing },
	{ "header_read_malformed", test_header_read_malformed },
	{ "header_build_id_model", test_header_build_id_model },
	{ "writer_new_fails", test_writer_new_fails },
	{ "replay_pacing", test_replay_pacing },
	{ "session_order_rounds", test_session_order_rounds },
	{ "session_order_no_rounds", test_session_order_no_rounds },
	{ "session_order_late", test_session_order_late },
	{ "session_order_no_sample_id_all", test_session_order_no_sample_id_all },
	{ "err_type", test_err_type },
	{ "trace_event_parse", test_trace_event_parse },
	{ "guestmem_errors", test_guestmem_errors },
	{ "decompress_large_payload", test_decompress_large_payload },
};

int main(int argc, char **argv)
{
	size_t i;
	int passed = 0, failed = 0;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		int before = unit_failures;

		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		tests[i].fn();
		if (unit_failures == before) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "unit test %s failed\n", tests[i].name);
		}
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
