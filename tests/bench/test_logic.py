"""The bench's own pure logic: percentiles, schedules, knees, /proc parsing, Server-Timing.

No server starts here; the bench's figures rest on these functions.
"""

import pytest

from bench.procstat import cpu_ticks_from_stat, kib_from_status
from bench.scenarios import _server_timing
from bench.stats import SweepPoint, knee, passes, percentile, ratio, schedule, summarize

# A real /proc/PID/stat line of a python process, its comm holding a space and a parenthesis.
STAT = (
    "4242 (python -m (x)) S 1 4242 4242 0 -1 4194560 52001 0 12 0 "
    "1234 567 0 0 20 0 5 0 987654 512000000 30000 18446744073709551615 1 1 0 0 0 0 0 16781312 16386 0 0 0 17 1 0 0 0 0 0"
)


class TestPercentile:
    def test_nearest_rank_of_one_to_a_hundred(self):
        values = list(range(100, 0, -1))  # unsorted on purpose
        assert percentile(values, 50) == 50
        assert percentile(values, 99) == 99
        assert percentile(values, 100) == 100
        assert percentile(values, 1) == 1

    def test_small_samples_round_up_to_the_next_rank(self):
        assert percentile([0.3, 0.1, 0.2], 50) == 0.2
        assert percentile([0.3, 0.1, 0.2], 99) == 0.3
        assert percentile([7.0], 99) == 7.0

    def test_no_values_is_none_and_q_out_of_range_raises(self):
        assert percentile([], 99) is None
        with pytest.raises(ValueError):
            percentile([1.0], 0)
        with pytest.raises(ValueError):
            percentile([1.0], 101)

    def test_summarize_gives_count_percentiles_and_max(self):
        s = summarize([i / 1000 for i in range(1, 201)])
        assert (s.count, s.p50, s.p95, s.p99, s.max) == (200, 0.1, 0.19, 0.198, 0.2)
        assert summarize([]).p99 is None


class TestSchedule:
    def test_merged_stream_is_one_message_per_interval(self):
        plan = schedule(senders=4, rate=20, duration=1.0, start=100.0)
        merged = sorted(t for times in plan for t in times)
        assert len(merged) == 20
        assert merged[0] == 100.0
        gaps = {round(b - a, 9) for a, b in zip(merged, merged[1:], strict=False)}
        assert gaps == {0.05}
        assert all(t < 101.0 for t in merged)

    def test_each_sender_sends_at_its_share_of_the_rate(self):
        plan = schedule(senders=2, rate=10, duration=2.0)
        assert [len(times) for times in plan] == [10, 10]
        assert plan[1][:3] == pytest.approx([0.1, 0.3, 0.5])

    def test_rejects_a_load_of_nothing(self):
        with pytest.raises(ValueError):
            schedule(senders=0, rate=10, duration=1)
        with pytest.raises(ValueError):
            schedule(senders=1, rate=0, duration=1)


class TestKnee:
    def test_highest_passing_step(self):
        points = [
            SweepPoint(400, 0.05, 0),
            SweepPoint(800, 0.19, 0),
            SweepPoint(1200, 0.7, 0),
            SweepPoint(2000, 12.0, 900),
        ]
        assert knee(points, p99_limit=0.2) == 800

    def test_missing_closed_or_errors_fail_a_fast_step(self):
        assert not passes(SweepPoint(400, 0.01, missing=1), p99_limit=0.2)
        assert not passes(SweepPoint(400, 0.01, 0, closed=3), p99_limit=0.2)
        assert not passes(SweepPoint(400, 0.01, 0, errors=1), p99_limit=0.2)
        assert not passes(SweepPoint(400, 0.2, 0), p99_limit=0.2)  # the limit is strict
        assert not passes(SweepPoint(400, None, 0), p99_limit=0.2)  # nothing delivered

    def test_no_passing_step_is_none(self):
        assert knee([SweepPoint(400, 1.4, 0)]) is None
        assert knee([]) is None

    def test_ratio(self):
        assert ratio(1200, 400) == 3
        assert ratio(None, 400) is None
        assert ratio(5, 0) is None


class TestProcStat:
    def test_utime_plus_stime_after_a_comm_with_spaces_and_parentheses(self):
        assert cpu_ticks_from_stat(STAT) == 1234 + 567

    def test_not_a_stat_line(self):
        with pytest.raises(ValueError):
            cpu_ticks_from_stat("no parenthesis here")

    def test_status_values_in_kib(self):
        status = "Name:\tpython\nVmPeak:\t  600000 kB\nVmHWM:\t  143212 kB\nVmRSS:\t  120400 kB\n"
        assert kib_from_status(status, "VmHWM") == 143212
        assert kib_from_status(status, "VmRSS") == 120400
        with pytest.raises(KeyError):
            kib_from_status(status, "VmSwap")


class TestServerTiming:
    def test_total_metric_wins_over_its_parts(self):
        assert _server_timing('db;dur=2.5, total;dur=4;desc="all"') == pytest.approx(0.004)

    def test_largest_duration_without_a_total(self):
        assert _server_timing("db;dur=2.5, app;dur=3.5") == pytest.approx(0.0035)

    def test_no_duration(self):
        assert _server_timing(None) is None
        assert _server_timing("miss, cdn;desc=hit") is None


def _step(*, cpu: float, p99: float, missing: int = 0, replies: int = 0, reactions: int = 0):
    from bench.generator import StepResult

    latency = summarize([p99 / 2] * 98 + [p99] * 2)
    return StepResult(
        label="x", server="ours", duration=2, sockets=80, offered_messages=20, offered_deliveries=400,
        sent=40, delivered_per_s=400, latency=latency, ack=latency, last_recipient=latency, missing=missing,
        expected=800, duplicates=0, out_of_order=0, stale=0, errors={}, closed={}, send_failed=0,
        server_cpu_us_per_delivery=cpu, server_cpu_us_per_message=cpu * 20, server_cpu_share=0.1,
        generator_cpu_share=0.02, server_peak_rss_kib=1024, replies=replies, reactions=reactions,
    )  # fmt: skip


class TestFeatureMixVerdict:
    """Scenario (f)'s rule (issue 11): mixed within 10 % of plain where plain kept up."""

    def _section(self, plain, mixed) -> str:
        from bench.report import feature_mix
        from bench.scenarios import Outcome

        return feature_mix(Outcome("f", rooms=4, steps={"plain": [plain], "mixed": [mixed]}))

    def test_within_ten_percent_passes_and_the_table_shows_the_ratio(self):
        section = self._section(_step(cpu=200, p99=0.010), _step(cpu=215, p99=0.011, replies=2, reactions=2))
        assert "400/s PASS" in section
        assert "| 400 | **mixed ÷ plain** |  |  |  | ×1.10 | ×1.10 |  |  |  | ×1.07 |" in section
        assert "| 400 | mixed | 2 | 2 |" in section

    def test_more_cpu_or_anything_missing_fails(self):
        assert "400/s FAIL" in self._section(_step(cpu=200, p99=0.010), _step(cpu=240, p99=0.010))
        assert "400/s FAIL" in self._section(_step(cpu=200, p99=0.010), _step(cpu=200, p99=0.010, missing=3))

    def test_a_p99_ratio_over_the_bound_passes_only_while_under_the_limit(self):
        assert "PASS" in self._section(_step(cpu=200, p99=0.010), _step(cpu=200, p99=0.030))
        assert "FAIL" in self._section(_step(cpu=200, p99=0.150), _step(cpu=200, p99=0.250))

    def test_loads_plain_did_not_keep_up_with_are_not_judged(self):
        section = self._section(_step(cpu=200, p99=0.5), _step(cpu=400, p99=0.9))
        assert "no load where plain kept up" in section
