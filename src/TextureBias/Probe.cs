namespace TextureBias;
public static class Probe { public static string Run() { var t = TorchSharp.torch.ones(2,2); return t.sum().item<float>().ToString(); } }
