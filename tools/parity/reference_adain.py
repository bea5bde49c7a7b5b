"""pytorch-AdaIN's networks and functions (net.py, function.py, test.py of naoto0804/pytorch-AdaIN),
re-implemented from FACTS.md section B, for making fixtures and checking parity by hand."""
import torch
import torch.nn as nn


def vgg_normalised():
    layers = [nn.Conv2d(3, 3, (1, 1))]
    cin = 3
    for stage, convs in enumerate([[64, 64], [128, 128], [256] * 4, [512] * 4, [512] * 4]):
        for c in convs:
            layers += [nn.ReflectionPad2d((1, 1, 1, 1)), nn.Conv2d(cin, c, (3, 3)), nn.ReLU()]
            cin = c
        if stage < 4:
            layers.append(nn.MaxPool2d((2, 2), (2, 2), (0, 0), ceil_mode=True))
    assert len(layers) == 53
    return nn.Sequential(*layers)


def decoder():
    def conv(cin, cout, relu=True):
        return [nn.ReflectionPad2d((1, 1, 1, 1)), nn.Conv2d(cin, cout, (3, 3))] + ([nn.ReLU()] if relu else [])
    up = lambda: [nn.Upsample(scale_factor=2, mode='nearest')]
    layers = conv(512, 256) + up() + conv(256, 256) + conv(256, 256) + conv(256, 256) + conv(256, 128) + up() \
        + conv(128, 128) + conv(128, 64) + up() + conv(64, 64) + conv(64, 3, relu=False)
    assert len(layers) == 29
    return nn.Sequential(*layers)


def calc_mean_std(feat, eps=1e-5):
    n, c = feat.size()[:2]
    var = feat.view(n, c, -1).var(dim=2) + eps
    return feat.view(n, c, -1).mean(dim=2).view(n, c, 1, 1), var.sqrt().view(n, c, 1, 1)


def adain(content_feat, style_feat):
    size = content_feat.size()
    style_mean, style_std = calc_mean_std(style_feat)
    content_mean, content_std = calc_mean_std(content_feat)
    normalized = (content_feat - content_mean.expand(size)) / content_std.expand(size)
    return normalized * style_std.expand(size) + style_mean.expand(size)


def style_transfer(vgg, dec, content, style, alpha=1.0, interpolation_weights=None):
    content_f = vgg(content)
    style_f = vgg(style)
    if interpolation_weights:
        _, C, H, W = content_f.size()
        feat = torch.zeros(1, C, H, W)
        base_feat = adain(content_f, style_f)
        for i, w in enumerate(interpolation_weights):
            feat = feat + w * base_feat[i:i + 1]
        content_f = content_f[0:1]
    else:
        feat = adain(content_f, style_f)
    feat = feat * alpha + content_f * (1 - alpha)
    return dec(feat)


def coral(source, target):
    def stats(feat):
        f = feat.view(3, -1)
        return f, f.mean(dim=-1, keepdim=True), f.std(dim=-1, keepdim=True)

    def mat_sqrt(x):
        U, D, V = torch.svd(x)
        return torch.mm(torch.mm(U, D.pow(0.5).diag()), V.t())

    sf, sm, ss = stats(source)
    sn = (sf - sm.expand_as(sf)) / ss.expand_as(sf)
    scov = torch.mm(sn, sn.t()) + torch.eye(3)
    tf, tm, ts = stats(target)
    tn = (tf - tm.expand_as(tf)) / ts.expand_as(tf)
    tcov = torch.mm(tn, tn.t()) + torch.eye(3)
    transfer = torch.mm(mat_sqrt(tcov), torch.mm(torch.inverse(mat_sqrt(scov)), sn))
    return (transfer * ts.expand_as(sn) + tm.expand_as(sn)).view(source.size())
