package dev.porter.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestTest {
  @Test
  void swappedLettersCountAsOneEdit() {
    assertEquals(1, Suggest.distance("tcpmuxplsu", "tcpmuxplus"));
  }

  @Test
  void closeWordIsSuggested() {
    assertEquals(
        " (did you mean \"tcpmux-master\"?)",
        Suggest.didYouMean("tcpmux-mastr", List.of("socket", "tcpmux-master", "service")));
  }

  @Test
  void farWordGetsNoSuggestion() {
    assertEquals("", Suggest.didYouMean("banana", List.of("socket", "tcpmux-master", "service")));
  }
}
