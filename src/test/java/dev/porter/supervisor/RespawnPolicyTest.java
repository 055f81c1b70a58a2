package dev.porter.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RespawnPolicyTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long S = TimeUnit.SECONDS.toNanos(1);

  @Test
  void quickExitsBackOffDoublingUpToOneSecond() {
    RespawnPolicy p = new RespawnPolicy(false);
    assertEquals(100 * MS, p.exited(0, MS).delayNanos());
    assertEquals(200 * MS, p.exited(S, MS).delayNanos());
    assertEquals(400 * MS, p.exited(2 * S, MS).delayNanos());
    assertEquals(800 * MS, p.exited(3 * S, MS).delayNanos());
    assertEquals(S, p.exited(4 * S, MS).delayNanos());
    assertEquals(S, p.exited(5 * S, MS).delayNanos());
  }

  @Test
  void afterASleepTheBackoffStartsOver() {
    RespawnPolicy p = new RespawnPolicy(false);
    for (int i = 0; i < 10; i++) p.exited(i * S, MS);
    assertEquals(100 * MS, p.exited(10 * S + TimeUnit.MINUTES.toNanos(5), MS).delayNanos());
  }

  @Test
  void tenExitsWithinTwoMinutesPutTheComponentToSleepForFiveMinutes() {
    RespawnPolicy p = new RespawnPolicy(false);
    for (int i = 0; i < 9; i++) assertFalse(p.exited(i * S, MS).sleep());
    RespawnPolicy.Decision d = p.exited(9 * S, MS);
    assertTrue(d.sleep());
    assertEquals(TimeUnit.MINUTES.toNanos(5), d.delayNanos());
  }

  @Test
  void exitsSpreadOverMoreThanTheWindowNeverSleep() {
    RespawnPolicy p = new RespawnPolicy(false);
    for (int i = 0; i < 50; i++) assertFalse(p.exited(i * 20 * S, MS).sleep(), "exit " + i);
  }

  @Test
  void aPreciousComponentIsNeverPutToSleep() {
    RespawnPolicy p = new RespawnPolicy(true);
    for (int i = 0; i < 30; i++) assertFalse(p.exited(i * MS, MS).sleep());
  }

  @Test
  void aChildThatRanLongEnoughStartsTheBackoffOver() {
    RespawnPolicy p = new RespawnPolicy(false);
    p.exited(0, MS);
    p.exited(S, MS);
    assertEquals(100 * MS, p.exited(60 * S, 30 * S).delayNanos());
  }
}
